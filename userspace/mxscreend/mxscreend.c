// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * mxscreend.c - main() and the event loop of the DNSBL daemon.
 *
 * One epoll set: the handshake ring buffer, c-ares' sockets, a signalfd
 * (SIGHUP reload, SIGTERM/SIGINT stop) and a one-second timerfd.  Fatal
 * errors only at start-up, on the terminal; afterwards the daemon warns
 * and keeps going, failing open.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "config.h"
#include "config_format.h"
#include "daemon.h"
#include "daemon_policy.h"
#include "daemon_postfix.h"
#include "handshake.h"
#include "lib/log.h"
#include "../../loader/loader.h"

#ifndef MXSCREEN_VERSION
#define MXSCREEN_VERSION "0.1.0"
#endif

/* epoll_event.data.u64 upper half: who the fd belongs to. */
#define TAG_HANDSHAKE 1u
#define TAG_SIGNAL 2u
#define TAG_TIMER 3u

struct mxscreend_args {
	const char *config_path; /* -c; NULL: the default path if it exists */
	const char *pin_path;
	bool foreground;
	bool check; /* -n: check and print the configuration, then exit */
	int verbose;
};

static void mxscreend_usage(FILE *out)
{
	fprintf(out,
		"Usage: mxscreend [-c FILE] [-f] [-v] [--pin-path DIR]\n"
		"       mxscreend -n [-c FILE] [--pin-path DIR]\n\n"
		"Look up every new SMTP client in the configured DNSBLs and write\n"
		"the verdicts into mxscreen's kernel maps.\n\n"
		"  -c FILE         configuration (default %s; built-in defaults\n"
		"                  when that file does not exist)\n"
		"  -f              stay in the foreground, log to stderr\n"
		"  -n              check the configuration, print every\n"
		"                  setting it gives, and exit (1 on problems)\n"
		"  -v              log every verdict, including clean ones\n"
		"  --pin-path DIR  maps pinned under DIR (default %s, or $%s)\n",
		CONFIG_DEFAULT_PATH, MXS_PIN_PATH_DEFAULT, MXS_PIN_PATH_ENV);
}

/* Returns -1 to go on, or the exit status. */
static int mxscreend_parse_args(int argc, char **argv, struct mxscreend_args *a)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "pin-path", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv(MXS_PIN_PATH_ENV);
	int opt;

	memset(a, 0, sizeof(*a));
	a->pin_path = env && *env ? env : MXS_PIN_PATH_DEFAULT;
	while ((opt = getopt_long(argc, argv, "c:fnvh", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'c':
			a->config_path = optarg;
			break;
		case 'f':
			a->foreground = true;
			break;
		case 'n':
			a->check = true;
			break;
		case 'v':
			a->verbose++;
			break;
		case 'p':
			a->pin_path = optarg;
			break;
		case 'h':
			mxscreend_usage(stdout);
			return 0;
		case 'V':
			printf("mxscreend %s\n", MXSCREEN_VERSION);
			return 0;
		default:
			mxscreend_usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument \"%s\"", argv[optind]);
		mxscreend_usage(stderr);
		return 1;
	}
	if (a->pin_path[0] != '/') {
		log_error("pin path \"%s\" must be absolute", a->pin_path);
		return 1;
	}
	return -1;
}

static void mxscreend_config_error(const char *message, void *ctx)
{
	log_error("%s", message);
}

/* The configuration a start runs with, for the start itself and for -n
 * alike: the file of -c, else the default file when it exists (then
 * a->config_path is set to it), else the built-in defaults; then
 * state_file's default for the pin path.  Every problem goes to on_error.
 * Returns 0, -EINVAL for problems in the configuration, or another
 * negative errno when the file cannot be read. */
static int mxscreend_read_config(struct mxscreend_args *a, struct config *cfg,
				 config_error_fn on_error, void *ctx)
{
	char err[512], msg[1024];
	int rc;

	config_defaults(cfg);
	if (!a->config_path && access(CONFIG_DEFAULT_PATH, F_OK) == 0)
		a->config_path = CONFIG_DEFAULT_PATH;
	if (a->config_path) {
		rc = config_parse_file(a->config_path, cfg, on_error, ctx);
		if (rc)
			return rc;
	}
	if (config_apply_pin_path(cfg, a->pin_path, err, sizeof(err))) {
		snprintf(msg, sizeof(msg), "%s: %s",
			 a->config_path ? a->config_path
					: CONFIG_DEFAULT_PATH " (absent)",
			 err);
		on_error(msg, ctx);
		return -EINVAL;
	}
	return 0;
}

/* The configuration to start with; fatal problems return -1. */
static int mxscreend_load_config(struct mxscreend_args *a, struct config *cfg)
{
	if (mxscreend_read_config(a, cfg, mxscreend_config_error, NULL)) {
		log_error("%s: fix the problems above; not started",
			  a->config_path ? a->config_path
					 : CONFIG_DEFAULT_PATH);
		return -1;
	}
	if (!a->config_path)
		log_info("no %s: running on built-in defaults",
			 CONFIG_DEFAULT_PATH);
	return 0;
}

/* -n: every problem as the parser words it ("FILE:LINE: ..."), counted. */
static void mxscreend_check_error(const char *message, void *ctx)
{
	unsigned int *problems = ctx;

	(*problems)++;
	fprintf(stderr, "%s\n", message);
}

/* -n: read the configuration as a start would, print what it gives.
 * Nothing else: no maps, no sockets, no files written, no privileges.
 * Returns the exit status. */
static int mxscreend_check_config(struct mxscreend_args *a)
{
	unsigned int problems = 0;
	struct config cfg;
	int rc;

	rc = mxscreend_read_config(a, &cfg, mxscreend_check_error, &problems);
	if (rc == -EINVAL) {
		fprintf(stderr,
			"mxscreend: %s: %u problem%s; fix %s and run mxscreend -n again (until then a running mxscreend keeps its configuration on reload, and a new one does not start)\n",
			a->config_path ? a->config_path : CONFIG_DEFAULT_PATH,
			problems, problems == 1 ? "" : "s",
			problems == 1 ? "it" : "them");
		return 1;
	}
	if (rc)
		return 1; /* cannot open or read: said above */
	if (!a->config_path)
		fprintf(stderr, "mxscreend: no %s: the built-in defaults\n",
			CONFIG_DEFAULT_PATH);
	if (config_print(stdout, &cfg) || fflush(stdout)) {
		fprintf(stderr,
			"mxscreend: cannot write the settings to standard output: %s\n",
			strerror(errno));
		return 1;
	}
	return 0;
}

static int mxscreend_watch(int epfd, int fd, uint32_t tag)
{
	struct epoll_event ev = {
		.events = EPOLLIN,
		.data.u64 = ((uint64_t)tag << 32) | (uint32_t)fd,
	};

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int err = -errno;

		log_error("cannot watch fd %d: %s", fd, strerror(-err));
		return err;
	}
	return 0;
}

static int mxscreend_signalfd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int mxscreend_timerfd(void)
{
	struct itimerspec one_second = {
		.it_interval = { .tv_sec = 1 },
		.it_value = { .tv_sec = 1 },
	};
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

	if (fd >= 0 && timerfd_settime(fd, 0, &one_second, NULL)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Detach from the terminal; messages go to syslog from here on. */
static int mxscreend_daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	setsid();
	if (chdir("/"))
		return -errno;
	umask(022);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	log_to_syslog("mxscreend");
	return 0;
}

static void mxscreend_on_handshake(const struct mxs_event *ev, void *ctx)
{
	daemon_on_event(ctx, ev);
}

/* Returns true when asked to stop. */
static bool mxscreend_on_signal(int sigfd, struct daemon *d)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("SIGHUP: reloading");
			daemon_reload(d);
		} else {
			log_info("%s: stopping; %s",
				 strsignal((int)si.ssi_signo),
				 d->cfg.detach_on_stop && d->cfg.nr_interfaces
					 ? "detaching from the configured "
					   "interfaces (detach_on_stop); the "
					   "maps stay"
					 : "the kernel program and maps stay");
			stop = true;
		}
	}
	return stop;
}

static void mxscreend_loop(int epfd, int sigfd, int tfd, struct handshake *hs,
			   struct daemon *d)
{
	struct epoll_event evs[64];
	bool stop = false;

	while (!stop) {
		int timeout = d->engine ? dnsbl_engine_timeout(d->engine) : -1;
		int n = epoll_wait(epfd, evs, 64, timeout);

		if (n < 0 && errno != EINTR) {
			log_warn("epoll_wait: %s", strerror(errno));
			continue;
		}
		if (n == 0 && d->engine)
			dnsbl_engine_process(d->engine, -1, 0);
		for (int i = 0; i < n && !stop; i++) {
			uint32_t tag = (uint32_t)(evs[i].data.u64 >> 32);
			int fd = (int)(uint32_t)evs[i].data.u64;
			uint64_t ticks;

			switch (tag) {
			case TAG_HANDSHAKE:
				handshake_consume(hs);
				break;
			case TAG_SIGNAL:
				stop = mxscreend_on_signal(sigfd, d);
				break;
			case TAG_TIMER:
				if (read(tfd, &ticks, sizeof(ticks)) < 0 &&
				    errno != EAGAIN)
					log_warn("timer: %s", strerror(errno));
				daemon_tick(d);
				if (d->engine)
					dnsbl_engine_process(d->engine, -1, 0);
				break;
			case PFLOG_EPOLL_TAG:
				daemon_postfix_process(
					d, (uint32_t)evs[i].data.u64);
				break;
			case POLICY_EPOLL_TAG:
				daemon_policy_process(d, (uint32_t)evs[i].data.u64,
						      evs[i].events);
				break;
			case DNSBL_EPOLL_TAG:
				if (d->engine)
					dnsbl_engine_process(d->engine, fd,
							     evs[i].events);
				break;
			}
		}
		/* the bans of this round end their sources' connections in
		 * one walk of the socket table */
		daemon_close_flush(d);
	}
}

int main(int argc, char **argv)
{
	struct mxscreend_args args;
	struct handshake *hs = NULL;
	struct daemon d = { 0 }; /* every subsystem starts from zero */
	struct config cfg;
	uint64_t cookie = 0;
	int rc, epfd = -1, sigfd = -1, tfd = -1;

	log_init("mxscreend", LOG_LEVEL_INFO);
	rc = mxscreend_parse_args(argc, argv, &args);
	if (rc >= 0)
		return rc;
	if (args.check)
		return mxscreend_check_config(&args);
	if (args.verbose)
		log_set_level(LOG_LEVEL_DEBUG);
	loader_setup_logging(args.verbose > 1 ? args.verbose : 0);
	if (mxscreend_load_config(&args, &cfg))
		return 1;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	sigfd = mxscreend_signalfd();
	tfd = mxscreend_timerfd();
	if (epfd < 0 || sigfd < 0 || tfd < 0) {
		log_error("cannot set up the event loop: %s", strerror(errno));
		return 2;
	}
	/* only connections to this network namespace's listeners count */
	if (handshake_netns_cookie(&cookie))
		return 2;
	if (handshake_open(&hs, args.pin_path, cookie, mxscreend_on_handshake,
			   &d))
		return 2;
	if (daemon_start(&d, &cfg, args.config_path, args.pin_path, epfd)) {
		handshake_close(hs);
		return 2;
	}
	if (mxscreend_watch(epfd, handshake_epoll_fd(hs), TAG_HANDSHAKE) ||
	    mxscreend_watch(epfd, sigfd, TAG_SIGNAL) ||
	    mxscreend_watch(epfd, tfd, TAG_TIMER)) {
		daemon_stop(&d);
		handshake_close(hs);
		return 2;
	}
	log_info("started: %u DNSBL sites, pin path %s%s", cfg.sites.nr_sites,
		 args.pin_path, cfg.observe ? ", observe mode" : "");
	if (!args.foreground && mxscreend_daemonize()) {
		log_error("cannot become a daemon: %s", strerror(errno));
		return 2;
	}
	daemon_tick(&d); /* the heartbeat with the daemon's own pid */
	mxscreend_loop(epfd, sigfd, tfd, hs, &d);
	daemon_stop(&d);
	handshake_close(hs);
	return 0;
}
