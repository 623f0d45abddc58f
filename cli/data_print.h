/* cli/data_print.h - output helpers shared by the `momo data` commands. */
#ifndef MOMO_CLI_DATA_PRINT_H
#define MOMO_CLI_DATA_PRINT_H

#include <stdint.h>
#include <stdio.h>

/* Write `s` as a JSON string, quotes included. */
void data_json_str(FILE *f, const char *s);
/* Write a date as a JSON string "YYYY-MM-DD", or null when !has. */
void data_json_date(FILE *f, int has, int32_t days);
/* "YYYY-MM-DD" into buf (11 bytes), or "-" when !has. */
const char *data_date(char *buf, int has, int32_t days);
/* 1 when `path` names a CSV data file by its ending (.csv, .csv.gz). */
int data_is_csv_name(const char *path);

#endif
