# Locate every third-party library netmass links, from Debian 12 packages
# (scripts/install-deps.sh installs them). Each failure names the package to install.
find_package(PkgConfig REQUIRED)

find_package(MPI REQUIRED COMPONENTS C)

pkg_check_modules(PETSC REQUIRED IMPORTED_TARGET PETSc>=3.18)

# Parallel HDF5 is required: result files are written collectively through MPI-IO.
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C HL)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "netmass needs a parallel (MPI) build of HDF5, but the HDF5 found at ${HDF5_INCLUDE_DIRS} "
    "is serial. Install libhdf5-openmpi-dev (scripts/install-deps.sh does) and, if several "
    "HDF5 builds are present, point CMake at it with -DHDF5_C_COMPILER_EXECUTABLE=/usr/bin/h5pcc.openmpi.")
endif()
add_library(netmass_hdf5 INTERFACE)
target_include_directories(netmass_hdf5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_compile_definitions(netmass_hdf5 INTERFACE ${HDF5_DEFINITIONS})
target_link_libraries(netmass_hdf5 INTERFACE ${HDF5_HL_LIBRARIES} ${HDF5_C_LIBRARIES})

# Debian's CMake package config for ScaLAPACK points at a missing path; pkg-config is right.
pkg_check_modules(SCALAPACK REQUIRED IMPORTED_TARGET scalapack-openmpi)
pkg_check_modules(LAPACKE REQUIRED IMPORTED_TARGET lapacke)
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(MATIO REQUIRED IMPORTED_TARGET matio)
# GSL: special functions (incomplete gamma for delay kernels).
pkg_check_modules(GSL REQUIRED IMPORTED_TARGET gsl)
find_package(BZip2 REQUIRED)
find_library(MATH_LIBRARY m REQUIRED)

if(NETMASS_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()
