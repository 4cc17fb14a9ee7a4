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

# tiangong_test(<name> SOURCES <files...> DEPS <targets...> [LABELS <labels...>])
# A GoogleTest binary registered with ctest, test by test.
function(tiangong_test name)
  if(NOT TIANGONG_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  include(GoogleTest)
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES LABELS "unit;${ARG_LABELS}"
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
