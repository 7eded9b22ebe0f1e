# Finds the libraries of private_dependencies.cmake for the build and collects what links
# them: BOTTLENECK_PRIVATE_TARGETS (for target_link_libraries), BOTTLENECK_PC_MODULES_PRIVATE
# and BOTTLENECK_PC_LIBS_PRIVATE (for bottleneck.pc: cmake/install.cmake).
macro(bottleneck_private_dependency)
  cmake_parse_arguments(dependency "" "TARGET;IMPORT" "PKG_CONFIG;LIBS" ${ARGN})
  find_package(${dependency_UNPARSED_ARGUMENTS} REQUIRED)
  if(dependency_IMPORT)
    pkg_check_modules(${dependency_IMPORT} REQUIRED IMPORTED_TARGET GLOBAL ${dependency_PKG_CONFIG})
  endif()
  list(APPEND BOTTLENECK_PRIVATE_TARGETS ${dependency_TARGET})
  list(APPEND BOTTLENECK_PC_MODULES_PRIVATE ${dependency_PKG_CONFIG})
  list(APPEND BOTTLENECK_PC_LIBS_PRIVATE ${dependency_LIBS})
endmacro()
set(BOTTLENECK_PRIVATE_TARGETS)
set(BOTTLENECK_PC_MODULES_PRIVATE)
set(BOTTLENECK_PC_LIBS_PRIVATE)
include(${CMAKE_CURRENT_LIST_DIR}/private_dependencies.cmake)
