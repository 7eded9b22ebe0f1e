# `cmake --install`: the library (static or shared, per BUILD_SHARED_LIBS) and its public
# headers, the `bottleneck` tool, a CMake package (find_package(bottleneck) ->
# bottleneck::bottleneck) and a pkg-config file. Both packages are relocatable: they find
# the headers and library relative to where they are installed (a scratch prefix, /usr/local,
# or /usr from the .deb).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The installed name, also for projects that take this one in with add_subdirectory().
add_library(bottleneck::bottleneck ALIAS bottleneck_lib)
# Pre-1.0, a minor release may change the ABI: the soname carries both (libbottleneck.so.0.1).
set_target_properties(bottleneck_lib PROPERTIES
  EXPORT_NAME bottleneck
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
# The API is meant for C++20's designated initializers (VGG16({.weights = ...})): consumers get C++20.
target_compile_features(bottleneck_lib PUBLIC cxx_std_20)
# An installed tool finds a shared libbottleneck beside it under any prefix.
file(RELATIVE_PATH bottleneck_bin_to_lib "/${CMAKE_INSTALL_BINDIR}" "/${CMAKE_INSTALL_LIBDIR}")
set_target_properties(bottleneck PROPERTIES INSTALL_RPATH "$ORIGIN/${bottleneck_bin_to_lib}")

set(bottleneck_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/bottleneck)
install(TARGETS bottleneck_lib EXPORT bottleneckTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS bottleneck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Every header under include/, whatever its subfolder.
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")

install(EXPORT bottleneckTargets NAMESPACE bottleneck:: DESTINATION ${bottleneck_cmake_dir})
configure_package_config_file(cmake/bottleneckConfig.cmake.in ${PROJECT_BINARY_DIR}/bottleneckConfig.cmake
  INSTALL_DESTINATION ${bottleneck_cmake_dir})
# 0.x: only the same minor version is compatible (as the soname says).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/bottleneckConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/bottleneckConfig.cmake ${PROJECT_BINARY_DIR}/bottleneckConfigVersion.cmake
  cmake/private_dependencies.cmake DESTINATION ${bottleneck_cmake_dir})

# pkg-config: `pkg-config --cflags --libs bottleneck`, with --static for a static library.
# Its private libraries are linked as shared ones: their own --libs go into Libs.private
# (Requires.private would make --static ask for static builds of all their dependencies).
file(RELATIVE_PATH bottleneck_pc_to_prefix "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" bottleneck_pc_to_prefix "${bottleneck_pc_to_prefix}")  # "../../" -> "../.."
find_package(PkgConfig REQUIRED)
pkg_check_modules(bottleneck_pc_private REQUIRED ${BOTTLENECK_PC_MODULES_PRIVATE})
list(JOIN BOTTLENECK_PC_LIBS_PRIVATE " " bottleneck_pc_libs_private)
list(JOIN bottleneck_pc_private_LDFLAGS " " bottleneck_pc_modules_libs)
string(APPEND bottleneck_pc_libs_private " ${bottleneck_pc_modules_libs}")
configure_file(cmake/bottleneck.pc.in ${PROJECT_BINARY_DIR}/bottleneck.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/bottleneck.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
