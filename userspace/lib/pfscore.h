/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pfscore.h - the Postfix events of one source over postfix_window: what
 * mxscreend keeps per source and class in "postfix_scores" (struct
 * mxs_pf_score, bpf/mxscreen.h) to decide a ban.
 *
 * The window slides in eighths: an event is counted in the eighth of time
 * it happened in, and an eighth is forgotten once it is more than seven
 * eighths old, so the sum covers between 7/8 and all of the window.
 * Counts are per event kind, so that the weights (which a reload may
 * change) are applied when the score is read, and the log can say which
 * events made it.  Counts saturate at 65535.
 *
 * Pure: no I/O, no allocation.
 */
#ifndef MXS_PFSCORE_H
#define MXS_PFSCORE_H

#include <stdint.h>

#include "../../bpf/mxscreen.h"

/* Count one event of kind (< MXS_PF_KINDS) at now_ns. */
void pfscore_add(struct mxs_pf_score *s, unsigned int kind, uint64_t now_ns,
		 uint64_t window_ns);

/* The counts per kind within the window at now_ns, into counts[]. */
void pfscore_counts(const struct mxs_pf_score *s, uint64_t now_ns,
		    uint64_t window_ns, uint32_t counts[MXS_PF_KINDS]);

/* Sum of counts[k] * weights[k] (saturating at UINT32_MAX). */
uint32_t pfscore_total(const uint32_t counts[MXS_PF_KINDS],
		       const uint32_t weights[MXS_PF_KINDS]);

#endif /* MXS_PFSCORE_H */
