#define MARKER 7
