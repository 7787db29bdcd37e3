// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_pflog_parse.c - Postfix log records into events (pflog_parse.c):
 * every event in the shapes Postfix writes it, both timestamp forms, every
 * tag form, IPv4 and IPv6 clients; lines of other programs and records
 * that are no event; look-alikes inside what clients sent; junk, long and
 * cut lines; journal MESSAGEs with their identifiers.  A record is left
 * untouched when the line is not Postfix's.  A failure reads "case NAME:
 * got X, want Y".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxscreend/pflog_parse.h"
#include "check.h"

#define TS "Dec  4 01:02:03 mx "
#define TS3339 "2026-12-04T01:02:03.123456+00:00 mx "
#define PS TS "postfix/postscreen[826]: "
#define SD TS "postfix/smtpd[827]: "
#define SUB TS "postfix/submission/smtpd[1006]: "
/* Names of 55 and 56 bytes: with "postfix/" 63 (kept) and 64 (too long). */
#define N55 "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeefffff"
#define N56 N55 "f"

/* A line that holds NUL bytes: its length from sizeof. */
#define BYTES(s) .line = s, .len = sizeof(s) - 1

enum { NOT_POSTFIX = 0, POSTFIX = 1 };

struct line_case {
	const char *name;
	const char *line;
	size_t len;	     /* 0: strlen(line) */
	int rc;		     /* NOT_POSTFIX or POSTFIX */
	enum pflog_event ev; /* with POSTFIX */
	const char *client;  /* with an event */
	const char *syslog_name, *program; /* NULL: not checked */
};

static const struct line_case cases[] = {
	/* --- postscreen events --- */
	{ .name = "pregreet", .line = PS "PREGREET 11 after 0.23 from [192.0.2.7]:41234: EHLO bot\\r\\n", .rc = POSTFIX, .ev = PFLOG_PREGREET, .client = "192.0.2.7", .syslog_name = "postfix", .program = "postscreen" },
	{ .name = "pregreet whole seconds", .line = PS "PREGREET 6 after 0 from [192.0.2.7]:1: QUIT\\r\\n", .rc = POSTFIX, .ev = PFLOG_PREGREET, .client = "192.0.2.7" },
	{ .name = "pregreet ipv6", .line = PS "PREGREET 10 after 0.01 from [2001:db8::10]:59429: EHLO bot\\r\\n", .rc = POSTFIX, .ev = PFLOG_PREGREET, .client = "2001:db8::10" },
	{ .name = "pregreet ipv4-mapped", .line = PS "PREGREET 10 after 0.01 from [::ffff:192.0.2.9]:5: x", .rc = POSTFIX, .ev = PFLOG_PREGREET, .client = "192.0.2.9" },
	{ .name = "non-smtp", .line = PS "NON-SMTP COMMAND from [198.51.100.3]:5000 after CONNECT: GET / HTTP/1.1", .rc = POSTFIX, .ev = PFLOG_NON_SMTP, .client = "198.51.100.3" },
	{ .name = "bare newline", .line = PS "BARE NEWLINE from [198.51.100.4]:5000 after DATA", .rc = POSTFIX, .ev = PFLOG_BARE_NEWLINE, .client = "198.51.100.4" },
	{ .name = "pipelining", .line = PS "COMMAND PIPELINING from [198.51.100.5]:5000 after EHLO: MAIL FROM:<a@b>\\r\\n", .rc = POSTFIX, .ev = PFLOG_PIPELINING, .client = "198.51.100.5" },
	{ .name = "time limit", .line = PS "COMMAND TIME LIMIT from [203.0.113.1]:1 after RCPT", .rc = POSTFIX, .ev = PFLOG_COMMAND_LIMIT, .client = "203.0.113.1" },
	{ .name = "count limit", .line = PS "COMMAND COUNT LIMIT from [203.0.113.2]:1 after RCPT", .rc = POSTFIX, .ev = PFLOG_COMMAND_LIMIT, .client = "203.0.113.2" },
	{ .name = "length limit", .line = PS "COMMAND LENGTH LIMIT from [203.0.113.3]:1 after DATA", .rc = POSTFIX, .ev = PFLOG_COMMAND_LIMIT, .client = "203.0.113.3" },
	{ .name = "dnsbl rank", .line = PS "DNSBL rank 3 for [203.0.113.4]:41234", .rc = POSTFIX, .ev = PFLOG_DNSBL, .client = "203.0.113.4" },
	{ .name = "dnsbl rank ipv6", .line = PS "DNSBL rank 12 for [2001:db8:1::5]:25", .rc = POSTFIX, .ev = PFLOG_DNSBL, .client = "2001:db8:1::5" },
	{ .name = "non-smtp ipv6", .line = PS "NON-SMTP COMMAND from [2001:db8::3]:1 after CONNECT: GET / HTTP/1.1", .rc = POSTFIX, .ev = PFLOG_NON_SMTP, .client = "2001:db8::3" },
	{ .name = "pipelining ipv6", .line = PS "COMMAND PIPELINING from [2001:db8::5]:5000 after HELO: QUIT\\r\\n", .rc = POSTFIX, .ev = PFLOG_PIPELINING, .client = "2001:db8::5" },
	{ .name = "bare newline ipv4-mapped", .line = PS "BARE NEWLINE from [::ffff:198.51.100.4]:5000 after RCPT", .rc = POSTFIX, .ev = PFLOG_BARE_NEWLINE, .client = "198.51.100.4" },
	/* --- postscreen shapes that are not Postfix's --- */
	{ .name = "port too long", .line = PS "DNSBL rank 1 for [192.0.2.17]:123456", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "no port", .line = PS "BARE NEWLINE from [192.0.2.17] after DATA", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "IPv6: prefix", .line = PS "PREGREET 1 after 0 from [IPv6:2001:db8::1]:1: x", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "dnsbl with more text", .line = PS "DNSBL rank 1 for [192.0.2.18]:25 x", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "not an address", .line = PS "BARE NEWLINE from [192.0.2.256]:1 after DATA", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "other limit", .line = PS "COMMAND SPEED LIMIT from [192.0.2.17]:1 after RCPT", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "pregreet without payload colon", .line = PS "PREGREET 1 after 0 from [192.0.2.17]:1", .rc = POSTFIX, .ev = PFLOG_NONE },
	/* --- smtpd events --- */
	{ .name = "smtpd non-smtp", .line = SD "warning: non-SMTP command from unknown[192.0.2.11]: GET / HTTP/1.1", .rc = POSTFIX, .ev = PFLOG_NON_SMTP, .client = "192.0.2.11", .syslog_name = "postfix", .program = "smtpd" },
	{ .name = "smtpd pipelining", .line = SD "improper command pipelining after EHLO from mail.example.org[192.0.2.12]: QUIT\\r\\n", .rc = POSTFIX, .ev = PFLOG_PIPELINING, .client = "192.0.2.12" },
	{ .name = "sasl plain", .line = SUB "warning: unknown[192.0.2.12]: SASL PLAIN authentication failed: wrong password, sasl_username=(unavailable)", .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "192.0.2.12", .syslog_name = "postfix/submission", .program = "smtpd" },
	{ .name = "sasl login named host", .line = SUB "warning: host-1.example.net[2001:db8::7]: SASL LOGIN authentication failed: UGFzc3dvcmQ6", .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "2001:db8::7" },
	{ .name = "sasl cram-md5", .line = SUB "warning: unknown[192.0.2.13]: SASL CRAM-MD5 authentication failed: authentication failure", .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "192.0.2.13" },
	{ .name = "unknown recipient", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.13]: 550 5.1.1 <nobody@mx.test>: Recipient address rejected: User unknown in local recipient table; from=<a@b.test> to=<nobody@mx.test> proto=ESMTP helo=<h>", .rc = POSTFIX, .ev = PFLOG_UNKNOWN_RECIPIENT, .client = "192.0.2.13" },
	{ .name = "unknown virtual, queue id", .line = SD "4Xyz12AbCdE: reject: RCPT from host.example[198.51.100.1]: 550 5.1.1 <x@example.com>: Recipient address rejected: User unknown in virtual mailbox table; from=<> to=<x@example.com> proto=ESMTP helo=<h>", .rc = POSTFIX, .ev = PFLOG_UNKNOWN_RECIPIENT, .client = "198.51.100.1" },
	{ .name = "undeliverable", .line = SD "NOQUEUE: reject: RCPT from unknown[198.51.100.2]: 550 5.1.1 <x@example.com>: Recipient address rejected: undeliverable address: host mx[10.0.0.1] said: 550 no", .rc = POSTFIX, .ev = PFLOG_UNKNOWN_RECIPIENT, .client = "198.51.100.2" },
	{ .name = "relay denied", .line = SD "NOQUEUE: reject: RCPT from unknown[203.0.113.9]: 454 4.7.1 <victim@other.example>: Relay access denied; from=<a@b> to=<victim@other.example> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_RELAY_DENIED, .client = "203.0.113.9" },
	{ .name = "relay denied ipv6", .line = SD "NOQUEUE: reject: RCPT from unknown[2001:db8::9]: 554 5.7.1 <v@o.example>: Relay access denied; from=<> to=<v@o.example> proto=SMTP", .rc = POSTFIX, .ev = PFLOG_RELAY_DENIED, .client = "2001:db8::9" },
	{ .name = "smtpd non-smtp ipv6 named", .line = SD "warning: non-SMTP command from host.example[2001:db8::11]: CONNECT x:443 HTTP/1.0", .rc = POSTFIX, .ev = PFLOG_NON_SMTP, .client = "2001:db8::11" },
	{ .name = "smtpd pipelining ipv6", .line = SD "improper command pipelining after CONNECT from unknown[2001:db8::12]: EHLO x\\r\\n", .rc = POSTFIX, .ev = PFLOG_PIPELINING, .client = "2001:db8::12" },
	{ .name = "unknown relay recipient ipv6", .line = SD "NOQUEUE: reject: RCPT from unknown[2001:db8::13]: 550 5.1.1 <a@relay.example>: Recipient address rejected: User unknown in relay recipient table; from=<> to=<a@relay.example> proto=ESMTP helo=<h>", .rc = POSTFIX, .ev = PFLOG_UNKNOWN_RECIPIENT, .client = "2001:db8::13" },
	{ .name = "smtpd ipv4-mapped", .line = SD "warning: unknown[::ffff:198.51.100.20]: SASL LOGIN authentication failed: x", .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "198.51.100.20" },
	{ .name = "port logging sasl", .line = SD "warning: unknown[192.0.2.16]:50123: SASL LOGIN authentication failed: x", .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "192.0.2.16" },
	{ .name = "port logging relay", .line = SD "NOQUEUE: reject: RCPT from host.example[2001:db8::16]:50124: 454 4.7.1 <v@o.example>: Relay access denied; from=<a@b> to=<v@o.example> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_RELAY_DENIED, .client = "2001:db8::16" },
	{ .name = "rbl reject ipv6", .line = SD "NOQUEUE: reject: RCPT from unknown[2001:db8::14]: 554 5.7.1 Service unavailable; Client host [2001:db8::14] blocked using zen.example; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_RBL_REJECT, .client = "2001:db8::14" },
	{ .name = "rbl reject of the client name", .line = SD "NOQUEUE: reject: RCPT from host.example[198.51.100.14]: 554 5.7.1 Service unavailable; Client host [host.example] blocked using dbl.example; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_RBL_REJECT, .client = "198.51.100.14" },
	{ .name = "rbl text of another shape", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.63]: 554 5.7.1 Service unavailable; Client host [192.0.2.63] listed; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "relay text of another shape", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.64]: 554 5.7.1 <v@o.example>: Relay access denied here; from=<a@b> to=<v@o.example> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "sasl without mechanism", .line = SD "warning: unknown[192.0.2.19]: SASL  authentication failed: x", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "empty address", .line = SD "warning: non-SMTP command from unknown[]: x", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "rbl reject", .line = SD "NOQUEUE: reject: RCPT from unknown[203.0.113.10]: 554 5.7.1 Service unavailable; Client host [203.0.113.10] blocked using zen.example; https://example/q=203.0.113.10; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_RBL_REJECT, .client = "203.0.113.10" },
	/* --- timestamps and tags --- */
	{ .name = "rfc 3339", .line = TS3339 "postfix/postscreen[1]: PREGREET 1 after 0.1 from [192.0.2.20]:1: x", .rc = POSTFIX, .ev = PFLOG_PREGREET, .client = "192.0.2.20" },
	{ .name = "rfc 3339 Z, no fraction", .line = "2026-12-04T01:02:03Z mx postfix/smtpd[1]: warning: unknown[192.0.2.21]: SASL LOGIN authentication failed: x", .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "192.0.2.21" },
	{ .name = "maillog_file fraction", .line = "Dec 14 01:02:03.123456 mx postfix/postscreen[1]: DNSBL rank 2 for [192.0.2.22]:1", .rc = POSTFIX, .ev = PFLOG_DNSBL, .client = "192.0.2.22" },
	{ .name = "multi-instance", .line = TS "postfix-in/postscreen[5]: PREGREET 1 after 0 from [192.0.2.23]:1: x", .rc = POSTFIX, .ev = PFLOG_PREGREET, .client = "192.0.2.23", .syslog_name = "postfix-in", .program = "postscreen" },
	{ .name = "rfc 3339 fraction, Z", .line = "2026-12-04T01:02:03.5Z mx postfix/smtpd[1]: warning: unknown[192.0.2.26]: SASL LOGIN authentication failed: x", .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "192.0.2.26" },
	{ .name = "rfc 3339 negative offset", .line = "2026-12-04T01:02:03-05:00 mx postfix-in/postscreen[1]: COMMAND COUNT LIMIT from [192.0.2.27]:1 after RCPT", .rc = POSTFIX, .ev = PFLOG_COMMAND_LIMIT, .client = "192.0.2.27" },
	{ .name = "rfc 3339 offset without colon", .line = "2026-12-04T01:02:03+0000 mx postfix/smtpd[1]: warning: unknown[192.0.2.26]: SASL LOGIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "smtps service", .line = TS "postfix/smtps/smtpd[9]: warning: unknown[192.0.2.25]: SASL PLAIN authentication failed: x", .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "192.0.2.25", .syslog_name = "postfix/smtps", .program = "smtpd" },
	{ .name = "longest syslog name", .line = TS "postfix/" N55 "/smtpd[9]: warning: unknown[192.0.2.25]: SASL PLAIN authentication failed: x", .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "192.0.2.25", .syslog_name = "postfix/" N55, .program = "smtpd" },
	{ .name = "multi-instance service", .line = TS "postfix-out/smtps/smtpd[9]: warning: unknown[192.0.2.24]: SASL PLAIN authentication failed: x", .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "192.0.2.24", .syslog_name = "postfix-out/smtps", .program = "smtpd" },
	/* --- Postfix records that are no event --- */
	{ .name = "connect", .line = PS "CONNECT from [192.0.2.30]:1 to [192.0.2.1]:25", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "pass new", .line = PS "PASS NEW [192.0.2.30]:1", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "pass old", .line = PS "PASS OLD [192.0.2.30]:1", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "hangup", .line = PS "HANGUP after 0.5 from [192.0.2.30]:1 in tests after SMTP handshake", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "disconnect", .line = PS "DISCONNECT [192.0.2.30]:1", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "postscreen enforce reply", .line = PS "NOQUEUE: reject: RCPT from [192.0.2.30]:1: 550 5.7.1 Service unavailable; client [192.0.2.30] blocked using zen.example; from=<a@b>, to=<c@d>, proto=ESMTP, helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "smtpd connect", .line = SD "connect from unknown[192.0.2.31]", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "lost connection", .line = SD "lost connection after AUTH from unknown[192.0.2.31]", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "timeout", .line = SD "timeout after DATA from unknown[192.0.2.31]", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "hostname warning", .line = SD "warning: hostname x.example does not resolve to address 192.0.2.31", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "tls warning", .line = SD "warning: TLS library problem: error:0A000126:SSL routines::unexpected eof", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "reverse dns reject", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.31]: 450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.31]; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "helo-based rbl", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.31]: 554 5.7.1 <bad.example>: Helo command rejected: blocked using dbl.example; from=<a@b> to=<c@d> proto=ESMTP helo=<bad.example>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "whitelisted", .line = PS "WHITELISTED [192.0.2.30]:1", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "postscreen warning", .line = PS "warning: dnsblog reply timeout 10s for zen.example [192.0.2.30]:1", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "postscreen lost connection", .line = PS "HANGUP after 0.1 from [192.0.2.30]:1 in tests after SMTP handshake", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "tlsproxy", .line = TS "postfix/tlsproxy[7]: CONNECT from [192.0.2.30]:1", .rc = POSTFIX, .ev = PFLOG_NONE, .syslog_name = "postfix", .program = "tlsproxy" },
	{ .name = "smtpd disconnect", .line = SD "disconnect from unknown[192.0.2.31] ehlo=1 auth=0/1 quit=1 commands=2/3", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "smtpd tls", .line = SD "Anonymous TLS connection established from unknown[192.0.2.31]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "sender-based rbl", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.31]: 554 5.7.1 Service unavailable; Sender address [a@bad.example] blocked using dbl.example; from=<a@bad.example> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "unverified client rbl", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.31]: 554 5.7.1 Service unavailable; Unverified Client host [x.example] blocked using dbl.example; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "reject_warning", .line = SD "NOQUEUE: reject_warning: RCPT from unknown[192.0.2.31]: 454 4.7.1 <v@o.example>: Relay access denied; from=<a@b> to=<v@o.example> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "client access denied", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.31]: 554 5.7.1 <unknown[192.0.2.31]>: Client host rejected: Access denied; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "other program", .line = TS "postfix/qmgr[5]: 4Xyz: from=<a@b>, size=1, nrcpt=1 (queue active)", .rc = POSTFIX, .ev = PFLOG_NONE, .client = NULL, .syslog_name = "postfix", .program = "qmgr" },
	{ .name = "cleanup", .line = TS "postfix/cleanup[6]: warning: unknown[192.0.2.32]: SASL PLAIN authentication failed: x", .rc = POSTFIX, .ev = PFLOG_NONE },
	/* --- client text that looks like an event or names an address --- */
	{ .name = "look-alike in a pregreet", .line = PS "PREGREET 68 after 0 from [192.0.2.10]:36225: EHLO x\\r\\nNON-SMTP COMMAND from [192.0.2.14]:25 after CONNECT: GET /\\r\\n", .rc = POSTFIX, .ev = PFLOG_PREGREET, .client = "192.0.2.10" },
	{ .name = "look-alike helo", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.33]: 450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.33]; from=<a@b> to=<c@d> proto=ESMTP helo=<x>: Relay access denied; [192.0.2.44]>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "quoted recipient", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.34]: 550 5.1.1 <\"x>: Relay access denied\"@mx.test>: Recipient address rejected: User unknown in local recipient table; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "quoted recipient with a whole reason", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.34]: 550 5.1.1 <\"x>: Relay access denied;\"@mx.test>: Recipient address rejected: User unknown in local recipient table; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "recipient with the reason", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.35]: 450 4.1.1 <user unknown@x>: Recipient address rejected: Domain not found; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "address in a non-smtp payload", .line = SD "warning: non-SMTP command from unknown[192.0.2.36]: GET /?unknown[192.0.2.99] HTTP/1.1", .rc = POSTFIX, .ev = PFLOG_NON_SMTP, .client = "192.0.2.36" },
	{ .name = "record in a pregreet", .line = PS "PREGREET 40 after 0.12 from [192.0.2.10]:36225: NON-SMTP COMMAND from [198.51.100.9]:25 after CONNECT: x", .rc = POSTFIX, .ev = PFLOG_PREGREET, .client = "192.0.2.10" },
	{ .name = "dnsbl record in a non-smtp payload", .line = PS "NON-SMTP COMMAND from [192.0.2.11]:1 after CONNECT: DNSBL rank 9 for [198.51.100.9]:25", .rc = POSTFIX, .ev = PFLOG_NON_SMTP, .client = "192.0.2.11" },
	{ .name = "sasl record in a non-smtp payload", .line = SD "warning: non-SMTP command from unknown[192.0.2.46]: warning: unknown[198.51.100.9]: SASL LOGIN authentication failed", .rc = POSTFIX, .ev = PFLOG_NON_SMTP, .client = "192.0.2.46" },
	{ .name = "relay text in helo, sender reason", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.39]: 450 4.1.8 <v@mx.test>: Sender address rejected: Domain not found; from=<a@bad.example> to=<v@mx.test> proto=ESMTP helo=<x>: Relay access denied;>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "rbl text in helo", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.47]: 450 4.7.1 <v@mx.test>: Recipient address rejected: Greylisted; from=<a@b> to=<v@mx.test> proto=ESMTP helo=<Service unavailable; Client host [198.51.100.9] blocked using x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "unquoted '>' in a domain literal", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.45]: 454 4.7.1 <a@[>: Recipient address rejected: User unknown;]>: Relay access denied; from=<a@b> to=<a@[>: Recipient address rejected: User unknown;]> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "escaped '>' in a recipient", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.48]: 550 5.1.1 <x\\>: Relay access denied;@mx.test>: Recipient address rejected: Domain not found; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "rbl look-alike recipient", .line = SD "NOQUEUE: reject: RCPT from unknown[192.0.2.49]: 550 5.1.1 <Service unavailable; Client host [198.51.100.9] blocked using x@y>: Recipient address rejected: Domain not found; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "event in a subject", .line = TS "postfix/cleanup[6]: 4Xyz: warning: header Subject: PREGREET 1 after 0 from [192.0.2.98]:1: x from unknown[192.0.2.37]", .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "event text mid-message", .line = SD "NOQUEUE: filter: RCPT from unknown[192.0.2.38]: PREGREET 1 after 0 from [192.0.2.97]:1: x", .rc = POSTFIX, .ev = PFLOG_NONE },
	/* --- not Postfix's --- */
	{ .name = "sshd", .line = TS "sshd[1]: Failed password for root from 192.0.2.40 port 22 ssh2", .rc = NOT_POSTFIX },
	{ .name = "postfixadmin", .line = TS "postfixadmin[2]: warning: unknown[192.0.2.41]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "postfixadmin with a program", .line = TS "postfixadmin/smtpd[2]: warning: unknown[192.0.2.41]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "mypostfix", .line = TS "mypostfix/smtpd[3]: warning: unknown[192.0.2.42]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "postfix without program", .line = TS "postfix[3]: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "no pid", .line = TS "postfix/smtpd: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "no timestamp", .line = "postfix/smtpd[1]: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "bad month", .line = "Foo  4 01:02:03 mx postfix/smtpd[1]: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "postfix- without instance", .line = TS "postfix-/smtpd[1]: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "empty service", .line = TS "postfix//smtpd[1]: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "empty program", .line = TS "postfix/[1]: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "syslog name too long", .line = TS "postfix/" N56 "/smtpd[9]: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "program too long", .line = TS "postfix/" N56 "bbbbbbbb[9]: x", .rc = NOT_POSTFIX },
	{ .name = "space in the tag", .line = TS "postfix smtpd[1]: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "pid not a number", .line = TS "postfix/smtpd[x]: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "no blank after the tag", .line = TS "postfix/smtpd[1]:warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "no host", .line = "Dec  4 01:02:03 postfix/smtpd[1]: warning: unknown[192.0.2.43]: SASL PLAIN authentication failed: x", .rc = NOT_POSTFIX },
	{ .name = "empty", .line = "", .rc = NOT_POSTFIX },
	{ .name = "junk", .line = "\xff\xfe\x01 postfix/smtpd[1]:", .rc = NOT_POSTFIX },
	/* --- bytes of any value --- */
	{ .name = "NUL and 0xff in a pregreet payload", BYTES(PS "PREGREET 3 after 0 from [192.0.2.51]:1: \0\xff\x01"), .rc = POSTFIX, .ev = PFLOG_PREGREET, .client = "192.0.2.51" },
	{ .name = "NUL in the address", BYTES(PS "DNSBL rank 1 for [192.0.2\0.52]:1"), .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "NUL in the tag", BYTES(TS "postfix/smt\0d[1]: x"), .rc = NOT_POSTFIX },
	{ .name = "NUL after the tag", BYTES(TS "postfix/smtpd[1]:\0 warning: unknown[192.0.2.53]: SASL LOGIN authentication failed: x"), .rc = NOT_POSTFIX },
	{ .name = "0xff before the message", BYTES(SD "\xffwarning: unknown[192.0.2.53]: SASL LOGIN authentication failed: x"), .rc = POSTFIX, .ev = PFLOG_NONE },
	{ .name = "0xff in the host", BYTES("Dec  4 01:02:03 m\xffx postfix/smtpd[1]: warning: unknown[192.0.2.53]: SASL LOGIN authentication failed: x"), .rc = NOT_POSTFIX },
	{ .name = "0xff in the client name", BYTES(SD "warning: unkn\xffown[192.0.2.53]: SASL LOGIN authentication failed: x"), .rc = POSTFIX, .ev = PFLOG_NONE },
};

static size_t case_len(const struct line_case *c)
{
	return c->len ? c->len : strlen(c->line);
}

static const char *ev_name(enum pflog_event ev)
{
	return pflog_event_name(ev) ? pflog_event_name(ev) : "none";
}

/*
 * rec is an event got from part of case c's line (PART AT says which):
 * it must be c's own event and client.
 */
static void check_part(const struct line_case *c, const struct pflog_record *rec,
		       const char *part, size_t at)
{
	char got[ADDR_CIDR_STRLEN];

	addr_format_cidr(&rec->client, got, sizeof(got));
	CHECK(c->client && c->ev == rec->event && strcmp(got, c->client) == 0,
	      "case %s %s %zu: got %s %s, want no event%s%s%s%s", c->name,
	      part, at, ev_name(rec->event), got, c->client ? " or " : "",
	      c->client ? ev_name(c->ev) : "", c->client ? " " : "",
	      c->client ? c->client : "");
}

/* What a parser gave (rc, rec; rec was all 0xa5 before) against case c. */
static void check_result(const struct line_case *c, int rc,
			 const struct pflog_record *rec)
{
	struct pflog_record before;

	memset(&before, 0xa5, sizeof(before));
	CHECK_INT(c->name, "rc", rc, c->rc);
	if (rc != 1) {
		CHECK(memcmp(rec, &before, sizeof(before)) == 0,
		      "case %s: record: got written, want untouched", c->name);
		return;
	}
	if (c->rc != 1)
		return;
	CHECK(rec->event == c->ev, "case %s: event: got %s, want %s", c->name,
	      ev_name(rec->event), ev_name(c->ev));
	if (c->ev != PFLOG_NONE && rec->event == c->ev) {
		char got[ADDR_CIDR_STRLEN];

		addr_format_cidr(&rec->client, got, sizeof(got));
		CHECK_STR(c->name, "client", got, c->client);
	}
	if (c->syslog_name) {
		CHECK_STR(c->name, "syslog_name", rec->syslog_name,
			  c->syslog_name);
		CHECK_STR(c->name, "program", rec->program, c->program);
	}
}

static void check_case(const struct line_case *c, const char *line, size_t len)
{
	struct pflog_record rec;

	memset(&rec, 0xa5, sizeof(rec));
	check_result(c, pflog_parse_line(line, len, &rec), &rec);
}

static void test_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i], cases[i].line, case_len(&cases[i]));
	CHECK_DONE();
}

/*
 * Every prefix of every line: never a crash (ASan runs this too).  For an
 * event line, an event only once the record is whole enough for its
 * address to be complete: a cut address must never yield a wrong one.
 * (A prefix of a line that is no event may be one: "DNSBL rank 1 for
 * [a]:25" is a prefix of the malformed "... [a]:25 x".)
 */
static void test_cut_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct line_case *c = &cases[i];
		size_t len = case_len(c);

		for (size_t n = 0; n < len; n++) {
			struct pflog_record rec;
			char *copy = malloc(n ? n : 1);

			assert_non_null(copy);
			memcpy(copy, c->line, n); /* not NUL-terminated */
			if (pflog_parse_line(copy, n, &rec) == 1 &&
			    rec.event != PFLOG_NONE && c->ev != PFLOG_NONE)
				check_part(c, &rec, "cut at", n);
			free(copy);
		}
	}
	CHECK_DONE();
}

/*
 * Long lines: PREFIX, then COUNT bytes FILL, then SUFFIX.  A payload of
 * any length keeps its event; a field longer than Postfix writes is none.
 */
struct long_case {
	const char *name;
	const char *prefix;
	char fill;
	size_t count;
	const char *suffix;
	int rc;
	enum pflog_event ev;
	const char *client;
};

static const struct long_case long_cases[] = {
	{ "60 KB pregreet payload", PS "PREGREET 1 after 0 from [192.0.2.50]:1: ", 'A', 60000, "", POSTFIX, PFLOG_PREGREET, "192.0.2.50" },
	{ "8 KB of 0xff after a non-smtp command", SD "warning: non-SMTP command from unknown[192.0.2.54]: ", '\xff', 8000, "", POSTFIX, PFLOG_NON_SMTP, "192.0.2.54" },
	{ "8 KB recipient", SD "NOQUEUE: reject: RCPT from unknown[192.0.2.57]: 454 4.7.1 <", 'r', 8000, ">: Relay access denied; from=<a@b>", POSTFIX, PFLOG_RELAY_DENIED, "192.0.2.57" },
	{ "address of 200 digits", PS "DNSBL rank 1 for [", '1', 200, "]:25", POSTFIX, PFLOG_NONE, NULL },
	{ "client name of 4 KB", SD "warning: ", 'n', 4096, "[192.0.2.55]: SASL LOGIN authentication failed: x", POSTFIX, PFLOG_NONE, NULL },
	{ "3 KB of NUL before the address", PS "PREGREET 1 after 0 from ", '\0', 3000, "[192.0.2.56]:1: x", POSTFIX, PFLOG_NONE, NULL },
	{ "rank of 4 KB digits", PS "DNSBL rank ", '7', 4096, " for [192.0.2.58]:25", POSTFIX, PFLOG_NONE, NULL },
	{ "host name of 4 KB", "Dec  4 01:02:03 ", 'h', 4096, " postfix/smtpd[1]: warning: unknown[192.0.2.59]: SASL LOGIN authentication failed: x", NOT_POSTFIX, PFLOG_NONE, NULL },
	{ "tag of 4 KB", TS "postfix/", 's', 4096, "/smtpd[1]: warning: unknown[192.0.2.59]: SASL LOGIN authentication failed: x", NOT_POSTFIX, PFLOG_NONE, NULL },
	{ "pid of 4 KB digits", TS "postfix/smtpd[", '9', 4096, "]: warning: unknown[192.0.2.59]: SASL LOGIN authentication failed: x", NOT_POSTFIX, PFLOG_NONE, NULL },
	{ "fraction of 4 KB digits", "Dec  4 01:02:03.", '1', 4096, " mx postfix/smtpd[1]: warning: unknown[192.0.2.59]: SASL LOGIN authentication failed: x", NOT_POSTFIX, PFLOG_NONE, NULL },
};

static void test_long_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(long_cases); i++) {
		const struct long_case *lc = &long_cases[i];
		struct line_case c = { .name = lc->name, .rc = lc->rc,
				       .ev = lc->ev, .client = lc->client };
		size_t np = strlen(lc->prefix), ns = strlen(lc->suffix);
		char *line = malloc(np + lc->count + ns);

		assert_non_null(line);
		memcpy(line, lc->prefix, np);
		memset(line + np, lc->fill, lc->count);
		memcpy(line + np + lc->count, lc->suffix, ns); /* no NUL */
		check_case(&c, line, np + lc->count + ns);
		free(line);
	}
	CHECK_DONE();
}

/*
 * Random bytes, alone and after the start of every event line: never a
 * crash (ASan runs this too), rc always 0 or 1, and an event after a
 * whole event line's start only for that line's client.
 */
static void test_junk(void **state)
{
	static const struct line_case random_case = { .name = "random" };
	enum { MAX = 1 << 14 };
	char *buf = malloc(MAX);
	unsigned int seed = 7;

	(void)state;
	assert_non_null(buf);
	for (int round = 0; round < 4000; round++) {
		const struct line_case *c =
			&cases[(size_t)(round / 2) % ARRAY_LEN(cases)];
		size_t keep = 0, n = (size_t)(rand_r(&seed) % MAX);
		struct pflog_record rec;
		int rc;

		/* an event line cut anywhere, then junk (a line that is no
		 * event may have a prefix that is one) */
		if (round % 2 && c->ev != PFLOG_NONE) {
			keep = (size_t)rand_r(&seed) % (case_len(c) + 1);
			memcpy(buf, c->line, keep);
		}
		if (n < keep)
			n = keep;
		for (size_t k = keep; k < n; k++)
			buf[k] = (char)(rand_r(&seed) & 0xff);
		rc = pflog_parse_line(buf, n, &rec);
		CHECK(rc == 0 || rc == 1, "round %d: rc: got %d, want 0 or 1",
		      round, rc);
		if (rc == 1 && rec.event != PFLOG_NONE)
			check_part(keep ? c : &random_case, &rec,
				   "then junk, kept", keep);
	}
	free(buf);
	CHECK_DONE();
}

/* The journal's MESSAGE with its SYSLOG_IDENTIFIER. */
#define SASL_MSG "warning: unknown[192.0.2.60]: SASL LOGIN authentication failed: x"

static const struct msg_case {
	const char *ident;
	struct line_case want; /* .line is the MESSAGE */
} msg_cases[] = {
	{ "postfix/submission/smtpd", { .name = "submission sasl", BYTES(SASL_MSG), .rc = POSTFIX, .ev = PFLOG_SASL_FAILURE, .client = "192.0.2.60", .syslog_name = "postfix/submission", .program = "smtpd" } },
	{ "postfix-in/postscreen", { .name = "multi-instance postscreen", BYTES("DNSBL rank 2 for [2001:db8::60]:25"), .rc = POSTFIX, .ev = PFLOG_DNSBL, .client = "2001:db8::60", .syslog_name = "postfix-in", .program = "postscreen" } },
	{ "postfix/postscreen", { .name = "NUL in a payload", BYTES("PREGREET 2 after 0 from [192.0.2.61]:1: \0\n"), .rc = POSTFIX, .ev = PFLOG_PREGREET, .client = "192.0.2.61", .syslog_name = "postfix", .program = "postscreen" } },
	{ "postfix/qmgr", { .name = "message of another program", BYTES(SASL_MSG), .rc = POSTFIX, .ev = PFLOG_NONE, .syslog_name = "postfix", .program = "qmgr" } },
	{ "postfix/smtpd", { .name = "postscreen text under smtpd", BYTES("DNSBL rank 2 for [192.0.2.62]:25"), .rc = POSTFIX, .ev = PFLOG_NONE } },
	{ "postfix/postscreen", { .name = "smtpd text under postscreen", BYTES(SASL_MSG), .rc = POSTFIX, .ev = PFLOG_NONE } },
	{ "postfix/smtpd", { .name = "empty message", BYTES(""), .rc = POSTFIX, .ev = PFLOG_NONE } },
	{ "sshd", { .name = "sshd", BYTES(SASL_MSG), .rc = NOT_POSTFIX } },
	{ NULL, { .name = "no identifier", BYTES(SASL_MSG), .rc = NOT_POSTFIX } },
	{ "postfix", { .name = "bare postfix", BYTES(SASL_MSG), .rc = NOT_POSTFIX } },
	{ "postfix/", { .name = "no program", BYTES(SASL_MSG), .rc = NOT_POSTFIX } },
	{ "postfix/smtpd[1]", { .name = "identifier with a pid", BYTES(SASL_MSG), .rc = NOT_POSTFIX } },
	{ "postfix/smtpd ", { .name = "identifier with a blank", BYTES(SASL_MSG), .rc = NOT_POSTFIX } },
	{ "postfixadmin/smtpd", { .name = "postfixadmin", BYTES(SASL_MSG), .rc = NOT_POSTFIX } },
	{ "postfix/" N56 "/smtpd", { .name = "identifier too long", BYTES(SASL_MSG), .rc = NOT_POSTFIX } },
};

static void test_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(msg_cases); i++) {
		const struct line_case *c = &msg_cases[i].want;
		struct pflog_record rec;
		char *msg = malloc(c->len ? c->len : 1);

		assert_non_null(msg);
		memcpy(msg, c->line, c->len); /* not NUL-terminated */
		memset(&rec, 0xa5, sizeof(rec));
		check_result(c, pflog_parse_message(msg_cases[i].ident, msg,
						    c->len, &rec),
			     &rec);
		free(msg);
	}
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_cut_lines),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_junk),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
