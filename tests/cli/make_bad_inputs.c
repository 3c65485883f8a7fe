/* Writes the malformed inputs the bad-input tests feed to 'netmass import': zips,
   MATLAB files and text matrices, each wrong in exactly one way. Usage: make_bad_inputs DIR */
#include <matio.h>
#include <zip.h>
#include <bzlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *dir;

static void die(const char *what)
{
  fprintf(stderr, "make_bad_inputs: %s\n", what);
  exit(1);
}

static void path_of(char *out, size_t len, const char *name)
{
  snprintf(out, len, "%s/%s", dir, name);
}

static void write_text(const char *name, const char *text)
{
  char  p[4096];
  FILE *fp;
  path_of(p, sizeof(p), name);
  if (!(fp = fopen(p, "w"))) die(p);
  fputs(text, fp);
  fclose(fp);
}

/* A zip whose members are (name, text) pairs; names ending in .bz2 are compressed,
   unless the text starts with "RAW:" (then stored as given, i.e. not valid bzip2). */
static void write_zip(const char *name, int n, const char *const members[][2])
{
  char   p[4096];
  int    err;
  zip_t *za;
  path_of(p, sizeof(p), name);
  if (!(za = zip_open(p, ZIP_CREATE | ZIP_TRUNCATE, &err))) die(p);
  for (int i = 0; i < n; i++) {
    const char  *text = members[i][1];
    size_t       len  = strlen(text);
    char        *buf  = malloc(2 * len + 1024);
    unsigned     out  = (unsigned)(2 * len + 1024);
    zip_source_t *src;
    if (strstr(members[i][0], ".bz2") && strncmp(text, "RAW:", 4)) {
      if (BZ2_bzBuffToBuffCompress(buf, &out, (char *)text, (unsigned)len, 9, 0, 0) != BZ_OK) die("bzip2");
    } else {
      memcpy(buf, text, len);
      out = (unsigned)len;
    }
    if (!(src = zip_source_buffer(za, buf, out, 1)) || zip_file_add(za, members[i][0], src, ZIP_FL_OVERWRITE) < 0) die("zip_file_add");
  }
  if (zip_close(za)) die("zip_close");
}

/* A MATLAB v5 file with the double matrix `var` of rows x cols, a[i*cols + j], and,
   with `extra` set, a second variable (so no single-variable fallback applies). */
static void write_mat2(const char *name, const char *var, int rows, int cols, const double *a, int extra)
{
  char      p[4096];
  size_t    dims[2] = {(size_t)rows, (size_t)cols};
  double   *colmajor = malloc(sizeof(double) * (size_t)(rows * cols));
  mat_t    *mat;
  matvar_t *mv;
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) colmajor[j * rows + i] = a[i * cols + j];
  path_of(p, sizeof(p), name);
  if (!(mat = Mat_CreateVer(p, NULL, MAT_FT_MAT5))) die(p);
  if (!(mv = Mat_VarCreate(var, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, colmajor, 0))) die("Mat_VarCreate");
  if (Mat_VarWrite(mat, mv, MAT_COMPRESSION_NONE)) die("Mat_VarWrite");
  Mat_VarFree(mv);
  if (extra) {
    size_t one[2] = {1, 1};
    double x      = 1;
    if (!(mv = Mat_VarCreate("notes", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, one, &x, 0)) || Mat_VarWrite(mat, mv, MAT_COMPRESSION_NONE)) die("Mat_VarWrite");
    Mat_VarFree(mv);
  }
  Mat_Close(mat);
  free(colmajor);
}

static void write_mat(const char *name, const char *var, int rows, int cols, const double *a)
{
  write_mat2(name, var, rows, cols, a, 0);
}

static void subdir(const char *name)
{
  char p[4096];
  path_of(p, sizeof(p), name);
  mkdir(p, 0775);
}

/* One HCP-style subject folder with N regions and T samples; `bad` spoils one thing. */
static void write_subject(const char *folder, int n, int t, const char *bad)
{
  double tc[8 * 64], sc[8 * 8], len[8 * 8];
  char   name[512];
  for (int i = 0; i < n * t; i++) tc[i] = 100 + (i * 37) % 11;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      sc[i * n + j]  = i == j ? 0 : 1 + (i + j) % 3;
      len[i * n + j] = i == j ? 0 : 10 + i + j;
    }
  if (!strcmp(bad, "nan")) tc[5] = 0.0 / 0.0;
  subdir(folder);
  snprintf(name, sizeof(name), "%s/TC_rsfMRI_REST1_LR.mat", folder);
  if (!strcmp(bad, "notmat")) write_text(name, "this is not a MATLAB file\n");
  else write_mat(name, "tc", n, t, tc);
  snprintf(name, sizeof(name), "%s/DTI_CM.mat", folder);
  write_mat2(name, !strcmp(bad, "varname") ? "connectivity" : "sc", n, n, sc, !strcmp(bad, "varname"));
  snprintf(name, sizeof(name), "%s/DTI_LEN.mat", folder);
  write_mat(name, "len", n, n, len);
}

int main(int argc, char **argv)
{
  const char *const good_w = "0 1 2\n1 0 3\n2 3 0\n", *const good_l = "0 10 20\n10 0 30\n20 30 0\n";
  if (argc != 2) die("usage: make_bad_inputs DIR");
  dir = argv[1];
  mkdir(dir, 0775);

  write_text("notzip.zip", "plain text, not a zip archive\n");
  {
    const char *const m[][2] = {{"weights.txt.bz2", good_w}, {"centres.txt", "a 0 0 0\nb 1 0 0\nc 0 1 0\n"}};
    write_zip("no_lengths.zip", 2, m);
  }
  {
    const char *const m[][2] = {{"weights.txt.bz2", "RAW:garbage that is not bzip2"}, {"tract_lengths.txt", good_l}};
    write_zip("corrupt_bz2.zip", 2, m);
  }
  {
    const char *const m[][2] = {{"weights.txt", "0 1 2 3\n1 0 3 4\n2 3 0 5\n"}, {"tract_lengths.txt", good_l}};
    write_zip("nonsquare.zip", 2, m);
  }
  {
    const char *const m[][2] = {{"tvb/weights.txt.bz2", good_w}, {"tvb/tract_lengths.txt.bz2", good_l}, {"tvb/centres.txt.bz2", "l_a 0 0 0\nr_a 1 0 0\nl_b 0 1 0\n"}};
    write_zip("good_nested.zip", 3, m);
  }

  write_text("good_w.txt", good_w);
  write_text("good_l.txt", good_l);
  write_text("ragged.txt", "0 1 2\n1 0\n2 3 0\n");
  write_text("nan.txt", "0 1 2\n1 0 nan\n2 3 0\n");
  write_text("inf.txt", "0 1 2\n1 0 3\ninf 3 0\n");
  write_text("negative.txt", "0 1 2\n1 0 -3\n2 3 0\n");
  write_text("word.txt", "0 1 2\n1 zero 3\n2 3 0\n");
  write_text("four.txt", "0 1 1 1\n1 0 1 1\n1 1 0 1\n1 1 1 0\n");
  write_text("empty.txt", "\n\n");
  write_text("centres_short.txt", "a 0 0 0\nb 1 0 0\n");
  write_text("velocity_zero.txt", "5 0\n7.5 0\n10 0\n");
  write_text("params_badname.txt", "nonsense\n1\n2\n3\n");
  write_text("params_short.txt", "a f\n-0.5 0.05\n");

  subdir("hcp_varname");
  write_subject("hcp_varname/s1", 4, 16, "");
  write_subject("hcp_varname/s2", 4, 16, "varname");
  subdir("hcp_shape");
  write_subject("hcp_shape/s1", 4, 16, "");
  write_subject("hcp_shape/s2", 5, 16, "");
  subdir("hcp_nan");
  write_subject("hcp_nan/s1", 4, 16, "nan");
  subdir("hcp_notmat");
  write_subject("hcp_notmat/s1", 4, 16, "notmat");
  subdir("hcp_empty");
  subdir("hcp_good");
  write_subject("hcp_good/s1", 4, 16, "");
  write_subject("hcp_good/s2", 4, 16, "");
  return 0;
}
