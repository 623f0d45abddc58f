/* mpi.c - `mpirun -np K momo optimize ...`: every rank runs the command;
 * the library evaluates the rank's share of the trials and exchanges
 * results through cli_mpi_exchange, so every rank ends with all of them
 * and rank 0 writes the files. Built without MPI, launching under mpirun
 * is an error and a plain run is unaffected. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mpi.h"

#if defined(MOMO_HAVE_MPI)
#include <mpi.h>
#endif

int cli_mpi_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL ||
           getenv("PMI_SIZE") != NULL || getenv("PMIX_RANK") != NULL;
}

#if defined(MOMO_HAVE_MPI)

int cli_mpi_start(size_t *rank, size_t *size)
{
    int provided = 0, r = 0, s = 1;

    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) !=
        MPI_SUCCESS) {
        cli_errorf("MPI could not start");
        return -1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    *rank = (size_t)r;
    *size = (size_t)s;
    return 0;
}

int cli_mpi_exchange(void *ud, const void *mine, size_t n, void **all,
                     size_t *n_all)
{
    int size = 1, *counts = NULL, *displs = NULL, rc = -1;
    unsigned long long mine_n = n, *sizes = NULL, total = 0;

    (void)ud;
    *all = NULL;
    *n_all = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    sizes = calloc((size_t)size, sizeof(*sizes));
    counts = calloc((size_t)size, sizeof(*counts));
    displs = calloc((size_t)size, sizeof(*displs));
    if (!sizes || !counts || !displs)
        goto out;
    if (MPI_Allgather(&mine_n, 1, MPI_UNSIGNED_LONG_LONG, sizes, 1,
                      MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto out;
    for (int k = 0; k < size; k++) {
        if (sizes[k] > INT_MAX || total > (unsigned long long)INT_MAX)
            goto out;
        counts[k] = (int)sizes[k];
        displs[k] = (int)total;
        total += sizes[k];
    }
    if (total > (unsigned long long)INT_MAX)
        goto out;
    *all = malloc(total ? total : 1);
    if (!*all)
        goto out;
    if (MPI_Allgatherv(mine, (int)n, MPI_BYTE, *all, counts, displs,
                       MPI_BYTE, MPI_COMM_WORLD) != MPI_SUCCESS) {
        free(*all);
        *all = NULL;
        goto out;
    }
    *n_all = (size_t)total;
    rc = 0;
out:
    free(sizes);
    free(counts);
    free(displs);
    return rc;
}

void cli_mpi_abort(int code)
{
    MPI_Abort(MPI_COMM_WORLD, code);
}

void cli_mpi_stop(void)
{
    MPI_Finalize();
}

#else

int cli_mpi_start(size_t *rank, size_t *size)
{
    *rank = 0;
    *size = 1;
    cli_errorf("launched by mpirun, but this momo was built without MPI");
    return -1;
}

int cli_mpi_exchange(void *ud, const void *mine, size_t n, void **all,
                     size_t *n_all)
{
    (void)ud;
    *all = malloc(n ? n : 1);
    if (!*all)
        return -1;
    memcpy(*all, mine, n);
    *n_all = n;
    return 0;
}

void cli_mpi_abort(int code)
{
    exit(code);
}

void cli_mpi_stop(void)
{
}

#endif
