package com.mka1.backend.cuda;

/**
 * A row-major product {@code C[m,n] = alpha * op(A) op(B) + beta * C} restated for a
 * column-major library (cuBLASLt). A row-major matrix is its transpose in column-major order, so
 * {@code C^T = op(B)^T op(A)^T}: the library's first operand is B's memory, its second A's,
 * with {@code M = n}, {@code N = m}, and no data is moved.
 *
 * <p>Each layout is the stored matrix as the library sees it (before its op): rows, cols and the
 * leading dimension, all column-major.
 *
 * @param first     the library's A: B's memory
 * @param transFirst whether the library transposes it
 * @param second    the library's B: A's memory
 * @param transSecond whether the library transposes it
 * @param out       the library's C and D: C's memory, {@code n x m}, leading dimension n
 * @param rows      the library's M (= n)
 * @param cols      the library's N (= m)
 * @param depth     K (= k)
 */
record ColumnMajorGemm(Layout first, boolean transFirst, Layout second, boolean transSecond, Layout out,
                       long rows, long cols, long depth) {

    /** A column-major matrix: {@code rows x cols}, element (i, j) at {@code i + j * ld}. */
    record Layout(long rows, long cols, long ld) {}

    /**
     * The column-major statement of the SPI's row-major matmul: A is {@code [m,k]} (or
     * {@code [k,m]} when {@code transA}), B is {@code [k,n]} (or {@code [n,k]} when {@code transB}).
     */
    static ColumnMajorGemm of(int m, int n, int k, boolean transA, boolean transB) {
        // B row-major [k,n] is column-major n x k (ld n) = op(B)^T as is; [n,k] is k x n (ld k), transposed.
        Layout first = transB ? new Layout(k, n, k) : new Layout(n, k, n);
        // A row-major [m,k] is column-major k x m (ld k) = op(A)^T as is; [k,m] is m x k (ld m), transposed.
        Layout second = transA ? new Layout(m, k, m) : new Layout(k, m, k);
        return new ColumnMajorGemm(first, transB, second, transA, new Layout(n, m, n), n, m, k);
    }
}
