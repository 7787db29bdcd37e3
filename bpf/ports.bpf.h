/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ports.bpf.h - the "ports" map, in a header of its own because two BPF
 * objects declare it: the screener (maps.bpf.h) and the socket iterator
 * that ends banned sources' connections (sockclose.bpf.c), which reuses
 * the pinned map.
 */
#ifndef MXS_PORTS_BPF_H
#define MXS_PORTS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "mxscreen.h"

/*
 * Screened TCP destination ports, indexed by port in host byte order.
 * Value: MXS_CLASS_BIT() of the port's class, 0 = not screened.  Written
 * by the CLI; an array, so entries never leave, they are zeroed.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, mxs_port_class_t);
} ports SEC(".maps");

#endif /* MXS_PORTS_BPF_H */
