# Checks that ui/translations/kiemphieu_en.ts translates every text of the console: lupdate is
# run over the sources into a copy of it, and the copy must hold no unfinished message.
# Usage: cmake -DLUPDATE=… -DROOT=… -DWORK=… -P CheckTranslations.cmake
file(MAKE_DIRECTORY ${WORK})
file(COPY_FILE ${ROOT}/ui/translations/kiemphieu_en.ts ${WORK}/kiemphieu_en.ts)
file(GLOB sources ${ROOT}/ui/*.cpp ${ROOT}/ui/internal/*.hpp)
execute_process(COMMAND ${LUPDATE} -locations none -no-obsolete ${sources} -ts ${WORK}/kiemphieu_en.ts
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lupdate failed: ${out}${err}")
endif()
file(READ ${WORK}/kiemphieu_en.ts ts)
string(REGEX MATCHALL "<source>[^<]*</source>[ \n\t]*<translation type=\"unfinished\"" unfinished "${ts}")
list(LENGTH unfinished count)
if(count GREATER 0)
  message(FATAL_ERROR "${count} texts of the console have no English translation:\n${unfinished}\n"
                      "Run lupdate over ui/ into ui/translations/kiemphieu_en.ts and translate them.")
endif()
message(STATUS "every text of the console has its English translation (${out})")
