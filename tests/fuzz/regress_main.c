/* Replays fuzzer inputs without libFuzzer: every file in the folders (or the
 * files) named on the command line, the committed corpus and every crash
 * ever found, goes through the target once. Built by meson with the ordinary
 * compiler, so the regression inputs run in every `meson test`, sanitizer
 * builds included. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	static uint8_t data[1 << 16];
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t size = fread(data, 1, sizeof data, f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, size);
	return 0;
}

int main(int argc, char **argv)
{
	int replayed = 0;
	for (int i = 1; i < argc; i++) {
		DIR *dir = opendir(argv[i]);
		if (!dir) {
			if (replay_file(argv[i]))
				return 1;
			replayed++;
			continue;
		}
		for (struct dirent *e; (e = readdir(dir));) {
			char path[4096];
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
			if (replay_file(path)) {
				closedir(dir);
				return 1;
			}
			replayed++;
		}
		closedir(dir);
	}
	printf("replayed %d input(s)\n", replayed);
	return replayed ? 0 : 1; /* an empty corpus is a broken test, not a pass */
}
