/* Excluded by <sourceExcludes>: compiling it would fail the build. */
#error "experimental/unfinished.c must not be compiled"
