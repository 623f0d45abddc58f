/* cli/mpi.h - the optimizer's MPI glue: start, exchange, stop. libmomo
 * knows nothing of MPI; it calls the exchange function it is given. */
#ifndef MOMO_CLI_MPI_H
#define MOMO_CLI_MPI_H

#include <stddef.h>

/* 1 when the process was started by mpirun (Open MPI or a PMI). */
int cli_mpi_launched(void);

/* Initialize MPI (the calling thread alone talks to MPI) and give this
 * rank and the number of ranks. 0, or -1 with a message printed. */
int cli_mpi_start(size_t *rank, size_t *size);

/* A momo_exchange_fn: MPI_Allgatherv of every rank's bytes. */
int cli_mpi_exchange(void *ud, const void *mine, size_t n, void **all,
                     size_t *n_all);

/* Stop every rank after a failure on this one. */
void cli_mpi_abort(int code);

void cli_mpi_stop(void);

#endif
