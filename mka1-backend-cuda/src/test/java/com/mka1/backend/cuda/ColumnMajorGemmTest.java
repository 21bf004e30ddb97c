package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The row-major to column-major restatement handed to cuBLASLt, checked by evaluating it the
 * way a column-major BLAS does (element (i, j) of a stored matrix at {@code i + j * ld}, op
 * applied after) on the row-major memory, against a plain row-major matmul.
 */
class ColumnMajorGemmTest {

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @CsvSource({"3, 5, 7, false, false", "3, 5, 7, false, true", "3, 5, 7, true, false", "3, 5, 7, true, true",
            "1, 1, 1, false, true", "9, 2, 4, true, true", "6, 11, 1, false, false"})
    void columnMajorEvaluationEqualsTheRowMajorProduct(int m, int n, int k, boolean transA, boolean transB) {
        Random random = new Random(m * 100 + n * 10 + k);
        double[] a = random.doubles((long) m * k, -1, 1).toArray(), b = random.doubles((long) k * n, -1, 1).toArray();
        ColumnMajorGemm g = ColumnMajorGemm.of(m, n, k, transA, transB);

        assertThat(g.rows()).isEqualTo(n);
        assertThat(g.cols()).isEqualTo(m);
        assertThat(g.depth()).isEqualTo(k);
        assertThat(g.out()).isEqualTo(new ColumnMajorGemm.Layout(n, m, n));
        // op(first) is rows x depth, op(second) is depth x cols
        assertThat(g.transFirst() ? g.first().cols() : g.first().rows()).isEqualTo(n);
        assertThat(g.transSecond() ? g.second().rows() : g.second().cols()).isEqualTo(m);

        double[] out = new double[m * n]; // column-major n x m, ld n: row-major m x n
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < g.cols(); j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += element(b, g.first(), g.transFirst(), i, p) * element(a, g.second(), g.transSecond(), p, j);
                }
                out[(int) (i + j * g.out().ld())] = sum;
            }
        }
        double[] expected = rowMajor(a, b, m, n, k, transA, transB);
        for (int i = 0; i < expected.length; i++) assertThat(out[i]).as("C[%d]", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-12));
    }

    /** Element (i, j) of op(stored), stored column-major. */
    private static double element(double[] memory, ColumnMajorGemm.Layout l, boolean trans, int i, int j) {
        int r = trans ? j : i, c = trans ? i : j;
        assertThat(r).isLessThan((int) l.rows());
        assertThat(c).isLessThan((int) l.cols());
        return memory[(int) (r + c * l.ld())];
    }

    private static double[] rowMajor(double[] a, double[] b, int m, int n, int k, boolean transA, boolean transB) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                }
                c[i * n + j] = sum;
            }
        }
        return c;
    }
}
