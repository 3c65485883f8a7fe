/* Unit tests of the plain-text readers (src/text_matrix.c) and of the shared value
   checks NMCheckMatrix (src/connectome.c) that every importer applies after parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <netmass/import.h>
#include <netmass/sys.h>

/* Parse `text`, expecting a 3 x 3 matrix equal to `expected` (exactly: strtod rounds
   each decimal to the nearest double, as the compiler does for the literals). */
static void Expect3x3(const char text[], const PetscReal expected[9])
{
  PetscInt   rows = -1, cols = -1;
  PetscReal *a = NULL;

  assert_int_equal(NMTextMatrixParse("test", text, &rows, &cols, &a), 0);
  assert_int_equal(rows, 3);
  assert_int_equal(cols, 3);
  assert_non_null(a);
  for (int k = 0; k < 9; k++)
    if (a[k] != expected[k]) fail_msg("text %s: entry %d is %.17g, expected %.17g", text, k, a[k], expected[k]);
  assert_int_equal(PetscFree(a), 0);
}

/* Any run of spaces and tabs separates numbers; blank (or blank-looking) lines are
   skipped; the last line may lack its newline; Windows line ends are whitespace. */
static void test_parse_layouts(void **state)
{
  const PetscReal ex[9] = {1, 2, 3, 4.5, 0.5, -600, 7, 8, 1e-9};

  (void)state;
  Expect3x3("1 2 3\n4.5 0.5 -600\n7 8 1e-9\n", ex);
  Expect3x3("1 2 3\n4.5 0.5 -600\n7 8 1e-9", ex); /* no trailing newline */
  Expect3x3("\n  1\t2    3  \n\t4.5\t 5e-1  -6E+2\n\n   \n7.0 8 0.000000001\n\n", ex);
  Expect3x3("1 2 3\r\n4.5 0.5 -600\r\n7 8 1e-9\r\n", ex);
  Expect3x3("+1 2. 3e0\n45e-1 .5 -6.0e2\n7 8.000 1E-9\n", ex); /* other spellings of the same numbers */
}

/* A 1 x 4 row and a 4 x 1 column: shape comes from the lines, not from squareness. */
static void test_parse_shapes(void **state)
{
  PetscInt   rows, cols;
  PetscReal *a;

  (void)state;
  assert_int_equal(NMTextMatrixParse("row", "0 1 2 3", &rows, &cols, &a), 0);
  assert_int_equal(rows, 1);
  assert_int_equal(cols, 4);
  for (int k = 0; k < 4; k++) assert_true(a[k] == k);
  assert_int_equal(PetscFree(a), 0);
  assert_int_equal(NMTextMatrixParse("column", "0\n1\n2\n3\n", &rows, &cols, &a), 0);
  assert_int_equal(rows, 4);
  assert_int_equal(cols, 1);
  for (int k = 0; k < 4; k++) assert_true(a[k] == k);
  assert_int_equal(PetscFree(a), 0);
}

/* Larger than the parser's initial 1024-entry buffer, so the buffer must grow and
   keep every value in place. */
static void test_parse_large(void **state)
{
  enum { N = 40 };
  char      *text;
  size_t     len = 0, cap = (size_t)N * N * 8 + 1;
  PetscInt   rows, cols;
  PetscReal *a;

  (void)state;
  assert_int_equal(PetscMalloc1(cap, &text), 0);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) len += (size_t)snprintf(text + len, cap - len, "%d%c", i * N + j, j == N - 1 ? '\n' : ' ');
  assert_int_equal(NMTextMatrixParse("large", text, &rows, &cols, &a), 0);
  assert_int_equal(rows, N);
  assert_int_equal(cols, N);
  for (int k = 0; k < N * N; k++) assert_true(a[k] == k);
  assert_int_equal(PetscFree(a), 0);
  assert_int_equal(PetscFree(text), 0);
}

/* Malformed text is an error (and the parser frees its buffer: LeakSanitizer). */
static void test_parse_errors(void **state)
{
  PetscInt   rows = -1, cols = -1;
  PetscReal *a    = NULL;

  (void)state;
  assert_int_not_equal(NMTextMatrixParse("ragged", "1 2 3\n4 5\n6 7 8\n", &rows, &cols, &a), 0);
  assert_int_not_equal(NMTextMatrixParse("ragged long", "1 2\n3 4 5\n", &rows, &cols, &a), 0);
  assert_int_not_equal(NMTextMatrixParse("word", "1 2 3\n4 x 6\n7 8 9\n", &rows, &cols, &a), 0);
  assert_int_not_equal(NMTextMatrixParse("glued", "1 2 3abc\n", &rows, &cols, &a), 0);
  /* "2-3" and "0.5.5" must not be split into two numbers (which would make both
     rows 3 wide and the text look valid). */
  assert_int_not_equal(NMTextMatrixParse("glued sign", "1 2-3\n4 5 6\n", &rows, &cols, &a), 0);
  assert_int_not_equal(NMTextMatrixParse("two points", "1 0.5.5\n4 5 6\n", &rows, &cols, &a), 0);
  assert_int_not_equal(NMTextMatrixParse("comma", "1,2,3\n", &rows, &cols, &a), 0);
  assert_int_not_equal(NMTextMatrixParse("empty", "", &rows, &cols, &a), 0);
  assert_int_not_equal(NMTextMatrixParse("blank", " \n\t\n\n", &rows, &cols, &a), 0);
  /* Nothing was returned. */
  assert_null(a);
  assert_int_equal(rows, -1);
  assert_int_equal(cols, -1);
}

/* "nan" and "inf" are numbers to strtod, so they parse; the value check then
   rejects them (with a message naming the entry) whatever the sign requirement. */
static void test_nonfinite_and_negative(void **state)
{
  PetscInt   rows, cols;
  PetscReal *a;

  (void)state;
  assert_int_equal(NMTextMatrixParse("nonfinite", "1 nan\ninf 2\n", &rows, &cols, &a), 0);
  assert_int_equal(rows, 2);
  assert_int_equal(cols, 2);
  assert_true(isnan(a[1]));
  assert_true(isinf(a[2]) && a[2] > 0);
  assert_int_not_equal(NMCheckMatrix(PETSC_COMM_SELF, "nonfinite", "weights", rows, cols, a, PETSC_TRUE), 0);
  assert_int_not_equal(NMCheckMatrix(PETSC_COMM_SELF, "nonfinite", "weights", rows, cols, a, PETSC_FALSE), 0);
  /* The infinity on its own (a[2], viewed as a 1 x 1 matrix) is rejected too. */
  assert_int_not_equal(NMCheckMatrix(PETSC_COMM_SELF, "nonfinite", "weights", 1, 1, a + 2, PETSC_FALSE), 0);
  /* The finite entry a[0] on its own is accepted. */
  assert_int_equal(NMCheckMatrix(PETSC_COMM_SELF, "nonfinite", "weights", 1, 1, a, PETSC_TRUE), 0);
  assert_int_equal(PetscFree(a), 0);

  assert_int_equal(NMTextMatrixParse("negative", "1 -2\n3 0\n", &rows, &cols, &a), 0);
  assert_true(a[1] == -2);
  assert_int_not_equal(NMCheckMatrix(PETSC_COMM_SELF, "negative", "weights", rows, cols, a, PETSC_TRUE), 0);
  assert_int_equal(NMCheckMatrix(PETSC_COMM_SELF, "negative", "centres", rows, cols, a, PETSC_FALSE), 0);
  assert_int_equal(PetscFree(a), 0);
  /* Tiny (subnormal) weights are finite numbers, not errors. */
  assert_int_equal(NMTextMatrixParse("tiny", "0 1e-310\n4.9e-324 0\n", &rows, &cols, &a), 0);
  assert_true(a[1] > 0 && a[2] > 0);
  assert_int_equal(NMCheckMatrix(PETSC_COMM_SELF, "tiny", "weights", rows, cols, a, PETSC_TRUE), 0);
  assert_int_equal(PetscFree(a), 0);
}

/* TVB centres: one "label x y z" line per region, in order. */
static void test_centres(void **state)
{
  char          **labels = NULL;
  PetscReal       c[9];
  const PetscReal ex[6] = {1, 2, 3, 4, 5, 6};

  (void)state;
  assert_int_equal(NMTextCentresParse("centres", "r_x 1 2 3\nl_y 4 5 6\n", 2, &labels, c), 0);
  assert_non_null(labels);
  assert_string_equal(labels[0], "r_x");
  assert_string_equal(labels[1], "l_y");
  assert_memory_equal(c, ex, sizeof(ex));
  assert_int_equal(NMStringsDestroy(2, &labels), 0);
  assert_null(labels);

  /* Tabs, blank lines, no final newline, negative and fractional coordinates. */
  assert_int_equal(NMTextCentresParse("centres", "\nrA1\t-1.5 0 2e1\n\n  lA1 3 -4.25 0.5", 2, &labels, c), 0);
  assert_string_equal(labels[0], "rA1");
  assert_string_equal(labels[1], "lA1");
  assert_true(c[0] == -1.5 && c[1] == 0 && c[2] == 20 && c[3] == 3 && c[4] == -4.25 && c[5] == 0.5);
  assert_int_equal(NMStringsDestroy(2, &labels), 0);

  /* Windows line ends: the '\r' is whitespace, not part of z. */
  assert_int_equal(NMTextCentresParse("centres", "r_x 1 2 3\r\nl_y 4 5 6\r\n", 2, &labels, c), 0);
  assert_string_equal(labels[1], "l_y");
  assert_memory_equal(c, ex, sizeof(ex));
  assert_int_equal(NMStringsDestroy(2, &labels), 0);
}

/* The number of region lines must match n, and each line must be "label x y z". On
   failure the parser frees what it allocated and leaves *labels untouched. */
static void test_centres_errors(void **state)
{
  char    **labels = NULL;
  PetscReal c[9];

  (void)state;
  assert_int_not_equal(NMTextCentresParse("too few", "r_x 1 2 3\nl_y 4 5 6\n", 3, &labels, c), 0);
  assert_null(labels);
  assert_int_not_equal(NMTextCentresParse("too many", "r_x 1 2 3\nl_y 4 5 6\n", 1, &labels, c), 0);
  assert_null(labels);
  assert_int_not_equal(NMTextCentresParse("short line", "r_x 1 2 3\nl_y 4 5\n", 2, &labels, c), 0);
  assert_null(labels);
  assert_int_not_equal(NMTextCentresParse("long line", "r_x 1 2 3 9\nl_y 4 5 6\n", 2, &labels, c), 0);
  assert_null(labels);
  assert_int_not_equal(NMTextCentresParse("word", "r_x 1 two 3\nl_y 4 5 6\n", 2, &labels, c), 0);
  assert_null(labels);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_layouts),
    cmocka_unit_test(test_parse_shapes),
    cmocka_unit_test(test_parse_large),
    cmocka_unit_test(test_parse_errors),
    cmocka_unit_test(test_nonfinite_and_negative),
    cmocka_unit_test(test_centres),
    cmocka_unit_test(test_centres_errors),
  };
  int result;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  result = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return result;
}
