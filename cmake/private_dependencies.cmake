# The libraries bottleneck uses only inside itself, listed once. Each line: find_package()'s
# arguments, then TARGET (the imported target linked) and how to link it without CMake:
# PKG_CONFIG (its .pc module) or, for a library without a .pc file, LIBS (linker flags).
# Read by CMakeLists.txt (find and link), by the installed CMake package of a static build
# (which must find them again: bottleneckConfig.cmake) and by bottleneck.pc (pkg-config
# --static). The .deb's Depends follow from the linked shared libraries (dpkg-shlibdeps).
# A new dependency is one more line here. IMPORT names a library found through pkg-config alone
# (its target PkgConfig::<IMPORT>): Debian's libzip CMake package also requires its
# command-line tools, which libzip-dev does not install.
bottleneck_private_dependency(dnnl TARGET DNNL::dnnl LIBS -ldnnl)
bottleneck_private_dependency(HDF5 COMPONENTS C TARGET hdf5::hdf5 PKG_CONFIG hdf5)
bottleneck_private_dependency(JPEG TARGET JPEG::JPEG PKG_CONFIG libjpeg)
bottleneck_private_dependency(PNG TARGET PNG::PNG PKG_CONFIG libpng)
bottleneck_private_dependency(TIFF TARGET TIFF::TIFF PKG_CONFIG libtiff-4)
bottleneck_private_dependency(OpenSSL COMPONENTS Crypto TARGET OpenSSL::Crypto PKG_CONFIG libcrypto)
bottleneck_private_dependency(CURL TARGET CURL::libcurl PKG_CONFIG libcurl)
bottleneck_private_dependency(PkgConfig TARGET PkgConfig::LIBZIP PKG_CONFIG libzip IMPORT LIBZIP)
# Optional (CMake option BOTTLENECK_MPI).
if(BOTTLENECK_MPI)
  bottleneck_private_dependency(MPI COMPONENTS C TARGET MPI::MPI_C PKG_CONFIG ompi-c)
endif()
