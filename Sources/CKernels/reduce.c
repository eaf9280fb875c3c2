// Sums along an axis of a row-major matrix, in the plain loops' order (so their bits).
//
// Row sums: out[i] = Σ_j x[i, j], each row added up left to right in
// float — the order of the plain loop, so the sums are the same bits as one — eight rows at a
// time, so that eight independent chains of additions keep the adder busy (one chain waits on
// each addition's latency) while the rows stream through the cache.
#include "CKernels.h"

void ck_sum_rows(const float *x, ptrdiff_t cols, ptrdiff_t r0, ptrdiff_t r1, float *out) {
    enum { ROWS = 8 };
    ptrdiff_t i = r0;
    for (; i + ROWS <= r1; i += ROWS) {
        float acc[ROWS] = {0};
        const float *row = x + i * cols;
        for (ptrdiff_t j = 0; j < cols; j++)
            for (int r = 0; r < ROWS; r++) acc[r] += row[r * cols + j];
        for (int r = 0; r < ROWS; r++) out[i + r] = acc[r];
    }
    for (; i < r1; i++) {
        float acc = 0;
        for (ptrdiff_t j = 0; j < cols; j++) acc += x[i * cols + j];
        out[i] = acc;
    }
}

// Column sums: out[j] = Σ_i x[i, j], each column added up top to bottom in float, every column
// of a row at once (the loop over j vectorises; the order for each column is the plain loop's).
void ck_sum_columns(const float *x, ptrdiff_t rows, ptrdiff_t cols, float *out) {
    for (ptrdiff_t j = 0; j < cols; j++) out[j] = 0.0f;
    for (ptrdiff_t i = 0; i < rows; i++) {
        const float *row = x + i * cols;
        for (ptrdiff_t j = 0; j < cols; j++) out[j] += row[j];
    }
}
