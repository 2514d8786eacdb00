# install(), the CMake package (cajalConfig.cmake: cajal::cajal, cajal::testing, every layer and
# the tool), a pkg-config file, the spec's examples as data, bash completion, and the .deb (CPack).
#
#   cmake --install build --prefix P        then find_package(cajal) with CMAKE_PREFIX_PATH=P
#   cpack --config build/CPackConfig.cmake  writes cajal_VERSION_ARCH.deb
include(CMakePackageConfigHelpers)

set(CAJAL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/cajal CACHE STRING "Where cajalConfig.cmake is installed (under the prefix)")

set(CAJAL_EXPORTED_LAYERS "")
foreach(layer IN LISTS CAJAL_LAYERS)
  list(APPEND CAJAL_EXPORTED_LAYERS cajal_${layer})
endforeach()
install(TARGETS ${CAJAL_EXPORTED_LAYERS} cajal_rapidcheck cajal cajal_cli
  EXPORT cajalTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/cajal DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(EXPORT cajalTargets NAMESPACE cajal:: DESTINATION ${CAJAL_CMAKE_DIR})

configure_package_config_file(cmake/cajalConfig.cmake.in ${CMAKE_BINARY_DIR}/cajalConfig.cmake
  INSTALL_DESTINATION ${CAJAL_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cajalConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cajalConfig.cmake ${CMAKE_BINARY_DIR}/cajalConfigVersion.cmake
  DESTINATION ${CAJAL_CMAKE_DIR})

# pkg-config: cajal, every stage (the driver links the testing stage's oracle for fuzz reports;
# RapidCheck is not needed). Static libraries, so their dependencies are public (Requires), and
# the libraries are listed from the top stage down.
set(CAJAL_PC_LIBS "")
set(reversed ${CAJAL_LAYERS})
list(REVERSE reversed)
foreach(layer IN LISTS reversed)
  string(APPEND CAJAL_PC_LIBS " -lcajal_${layer}")
endforeach()
file(RELATIVE_PATH CAJAL_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(cmake/cajal.pc.in ${CMAKE_BINARY_DIR}/cajal.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/cajal.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(DIRECTORY spec/examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/cajal/examples)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_BINARY_DIR}/completion/cajal DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# ---- the .deb ----
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cajal)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Cajal developers <cajal@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Cajal: a typed linear language compiled to neurons (compiler, library, Python module)")
set(CPACK_PACKAGE_DESCRIPTION
    "The cajal tool (type-check, run, compile to neurons, prove with Z3, check equivalence, train,\n"
    "fuzz), the C++ library as static libraries with headers and a CMake package (find_package(cajal)),\n"
    "the Python module `cajal`, the language's examples and bash completion.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # cajal_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# Run-time libraries of the tool and the Python module are found by dpkg-shlibdeps; the headers and
# static libraries need the development packages of what they link, and the Python module numpy.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libeigen3-dev (>= 3.4), libz3-dev, libssl-dev, nlohmann-json3-dev, librapidcheck-dev, pkg-config")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "graphviz")  # `dot`, for --emit svg and the diagrams of `cajal explain`
if(CAJAL_PYTHON)  # the module is built for one Python ABI (bookworm: 3.11)
  set(py ${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR})
  math(EXPR next_minor "${Python3_VERSION_MINOR} + 1")
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS
         ", python3 (>= ${py}), python3 (<< ${Python3_VERSION_MAJOR}.${next_minor}), python3-numpy")
endif()
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-torch, cmake, g++")
include(CPack)
