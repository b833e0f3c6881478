#define MARKER 42
