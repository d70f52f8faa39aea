/*
 * The floor of the no-change benchmark: the least a libcurl program can do
 * to learn the address, i.e. one HTTPS GET of the echo URL into a buffer.
 * No configuration, no state file, no parsing: whatever ddnsupdate spends
 * above this is its own.
 *
 *     floor URL [CAFILE]      (without CAFILE: libcurl's default trust)
 *
 * Built by tests/bench/bench.py with: cc -O2 floor.c -lcurl
 */
#include <curl/curl.h>
#include <string.h>

static char body[1024];
static size_t used;

static size_t keep(char *p, size_t size, size_t n, void *unused)
{
	size_t len = size * n, room = sizeof(body) - 1 - used;

	(void)unused;
	memcpy(body + used, p, len < room ? len : room);
	used += len < room ? len : room;
	return len;
}

int main(int argc, char **argv)
{
	CURL *h;
	CURLcode rc;

	if (argc < 2 || (h = curl_easy_init()) == NULL)
		return 2;
	curl_easy_setopt(h, CURLOPT_URL, argv[1]);
	if (argc > 2)
		curl_easy_setopt(h, CURLOPT_CAINFO, argv[2]);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
	rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	return rc == CURLE_OK && used > 0 ? 0 : 1;
}
