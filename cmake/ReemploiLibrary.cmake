# reemploi_library(NAME folder): one library target per source folder, public headers in
# <folder>/include/reemploi/<folder>/, sources anywhere under <folder>/src (globbed so that
# people working in different sub-folders never edit the same list).
function(reemploi_library name)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp ${CMAKE_CURRENT_SOURCE_DIR}/src/*.c)
  if(NOT sources)  # a folder whose first sources have not landed yet
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/empty.cpp "")
    set(sources ${CMAKE_CURRENT_BINARY_DIR}/empty.cpp)
  endif()
  add_library(reemploi_${name} STATIC ${sources})
  target_include_directories(reemploi_${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(reemploi_${name} PUBLIC reemploi_common)
endfunction()
