# fuzz.mk
# libFuzzer targets for the parsers; included by the top-level Makefile.
# SPDX-License-Identifier: ISC
#
# `make fuzz` builds every target with clang, libFuzzer, ASan and UBSan and
# runs each for FUZZ_SECONDS on a copy of its seeds in build/fuzz/corpus/
# (the seeds under tests/fuzz/corpus/ are never written); `make fuzz-ci` is
# the same for 20 s each.  The first target that crashes, leaks or breaks
# a promise stops the run; libFuzzer leaves the input in build/fuzz/crash-*
# (or leak-*, timeout-*, oom-*), and `build/fuzz/TARGET FILE` replays it,
# with the program's own messages when FUZZ_VERBOSE=1.  Inputs that found
# bugs are kept among the seeds as tests/fuzz/corpus/TARGET/regression-*,
# so that every run replays them first.  Uses MODULES, WARN,
# DEPS_CFLAGS, DEPS_LIBS and CURL_DEFS from the top-level Makefile.

FUZZ_TARGETS = fuzz_config fuzz_state fuzz_echo fuzz_identity fuzz_job \
	       fuzz_scrub \
	       fuzz_iface fuzz_natpmp
FUZZ_CC	?= clang
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	     -g -O1
FUZZ_OBJ_FLAGS = -fsanitize=fuzzer-no-link,address,undefined \
	     -fno-sanitize-recover=all -g -O1
FUZZ_CFLAGS = -std=c99 -D_GNU_SOURCE $(WARN) -Iinclude $(DEPS_CFLAGS)
FUZZ_SECONDS ?= 60
FUZZ_RUN_FLAGS = -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	     -timeout=10 -rss_limit_mb=2048 -artifact_prefix=build/fuzz/
FUZZ_OBJS = $(MODULES:%=build/fuzz/obj/%.o)
FUZZ_BINS = $(FUZZ_TARGETS:%=build/fuzz/%)

# Fail loudly, naming the package, when clang or libFuzzer is missing.
FUZZ_PROBE = int LLVMFuzzerTestOneInput(const unsigned char *d, \
	     unsigned long n) { (void)d; (void)n; return 0; }

fuzz-check-deps: check-deps
	@command -v $(FUZZ_CC) >/dev/null || \
	    { echo "$(FUZZ_CC) is missing: apt-get install clang"; exit 1; }
	@echo '$(FUZZ_PROBE)' | $(FUZZ_CC) -fsanitize=fuzzer -x c \
	    -o /dev/null - 2>/dev/null || \
	    { echo "libFuzzer is missing (libclang_rt.fuzzer for" \
	    "$(FUZZ_CC)): apt-get install libclang-rt-dev, or the" \
	    "libclang-rt-N-dev of the clang-N you have"; exit 1; }

build/fuzz/obj/%.o: src/%.c include/*.h | build/.deps-ok fuzz-check-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_OBJ_FLAGS) -c -o $@ $<
build/fuzz/obj/http.o: FUZZ_CFLAGS += $(CURL_DEFS)

$(FUZZ_BINS): build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_OBJS) \
	    $(DEPS_LIBS)

fuzz-build: $(FUZZ_BINS)

# One target after the other; the log of each is build/fuzz/TARGET.log.
# The JSON targets get a dictionary of JSON's syntax and edge values.
fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p build/fuzz/corpus/$$t || exit 1; \
	    cp tests/fuzz/corpus/$$t/* build/fuzz/corpus/$$t/ || exit 1; \
	    case $$t in fuzz_echo|fuzz_iface|fuzz_natpmp) dict= ;; \
	    *) dict=-dict=tests/fuzz/json.dict ;; esac; \
	    echo "$$t: $(FUZZ_SECONDS) s"; \
	    UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1} \
	    build/fuzz/$$t $(FUZZ_RUN_FLAGS) $$dict build/fuzz/corpus/$$t \
	        >build/fuzz/$$t.log 2>&1; rc=$$?; \
	    grep -E '^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs' \
	        build/fuzz/$$t.log | sed 's/^/    /'; \
	    if [ $$rc -ne 0 ]; then \
	        awk '/^==[0-9]+== ?ERROR|runtime error|broken promise/ \
	            { p = 1 } p && n++ < 60 { print } /^SUMMARY/ { p = 0 }' \
	            build/fuzz/$$t.log; \
	        grep 'Test unit written to' build/fuzz/$$t.log; \
	        echo "$$t: FAILED (exit $$rc); log in build/fuzz/$$t.log"; \
	        exit 1; \
	    fi; \
	done

# The same, shorter; FUZZ_SECONDS given on the command line still wins.
fuzz-ci: FUZZ_SECONDS = 20
fuzz-ci: fuzz

.PHONY: fuzz fuzz-ci fuzz-build fuzz-check-deps
