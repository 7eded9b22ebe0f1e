# `cpack -G DEB` (in the build folder): one .deb of everything `cmake --install` installs,
# under /usr. Its Depends are computed by dpkg-shlibdeps from the shared libraries the tool
# and library are linked with (oneDNN, HDF5, libjpeg-turbo, libpng, libtiff, libcurl,
# OpenSSL, ...), so a new dependency appears there by itself.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bottleneck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "bottleneck maintainers <maintainers@users.noreply.r-seed-f208ca1e.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "transfer learning from pretrained CNNs, native C++ (library and tool)")
set(CPACK_PACKAGE_DESCRIPTION [[
Keras' transfer-learning workflow without Python: bottleneck features of
VGG16 or SqueezeNet, a classifier head trained on them, fine-tuning.
This package holds the bottleneck tool with its man page and bash
completion, and the C++20 library with its CMake and pkg-config files.]])
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A shared libbottleneck is in the package itself: dpkg-shlibdeps finds it there.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# Building against the headers needs nlohmann-json (a static library also needs the -dev
# packages of its dependencies: scripts/install-deps.sh names them).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nlohmann-json3-dev")
include(CPack)
