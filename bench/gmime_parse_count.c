/* GMime 3's parse-only process, the yardstick of the whole-process benchmark: reads a header
 * value from a file, parses it with internet_address_list_parse and prints the count. */
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: gmime_parse_count FILE\n");
    return 2;
  }
  gchar* text = NULL;
  gsize length = 0;
  if (!g_file_get_contents(argv[1], &text, &length, NULL)) return 2;
  g_mime_init();
  InternetAddressList* list = internet_address_list_parse(NULL, text);
  printf("%d\n", list != NULL ? internet_address_list_length(list) : 0);
  return 0;
}
