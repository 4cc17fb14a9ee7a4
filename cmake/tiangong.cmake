# Helpers that every folder uses to declare its targets, so that flags, include
# paths and test registration stay the same everywhere.

# tiangong_library(<name> SOURCES <files...> DEPS <targets...>)
# One static library per source folder; headers are included by full path from src/.
function(tiangong_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# tiangong_test(<name> SOURCES <files...> DEPS <targets...> [LABEL <label>]
#               [FIXTURES <fixture>])
# A GoogleTest binary registered with ctest, test by test, labelled "unit" or
# LABEL (e.g. "integration"). FIXTURES names the server its tests need (kafka;
# see tests/CMakeLists.txt), which ctest starts once per run before them.
# (One value each: discovered tests' properties cannot hold lists.)
function(tiangong_test name)
  if(NOT TIANGONG_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "LABEL;FIXTURES" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  include(GoogleTest)
  set(properties LABELS ${ARG_LABEL})
  if(ARG_FIXTURES)
    list(APPEND properties FIXTURES_REQUIRED ${ARG_FIXTURES})
  endif()
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES ${properties}
    DISCOVERY_TIMEOUT 60)
endfunction()

# tiangong_benchmark(<name> SOURCES <files...> DEPS <targets...>)
# A Google Benchmark binary; never part of the test suite.
function(tiangong_benchmark name)
  if(NOT TIANGONG_BUILD_BENCHMARKS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark benchmark::benchmark_main)
endfunction()
