/*
 * What starting a libcurl program costs before it sends anything: the
 * dynamic loader maps and relocates libcurl and the libraries it needs,
 * then curl_global_init sets up OpenSSL.  No request is made.  Shown in
 * the no-change tables of tests/bench/bench.py beside the floor, as the
 * part of every libcurl program's cost that no program can avoid.
 *
 * Built by bench.py with: cc -O2 startup.c -lcurl
 */
#include <curl/curl.h>

int main(void)
{
	int bad = curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK;

	curl_global_cleanup();
	return bad;
}
