#include <png.h>

// Composite macros of the simplified API, which Swift cannot import directly.
static const unsigned int labkit_png_format_gray = PNG_FORMAT_GRAY;
static const unsigned int labkit_png_format_rgb = PNG_FORMAT_RGB;
static const unsigned int labkit_png_format_rgba = PNG_FORMAT_RGBA;
static const unsigned int labkit_png_image_version = PNG_IMAGE_VERSION;
