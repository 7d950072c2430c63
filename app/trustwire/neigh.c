/* SPDX-License-Identifier: BSD-3-Clause */
/* Next hops of the upstream traffic (see neigh.h). */
#include <string.h>
#include <sys/socket.h>

#include "neigh.h"

#define NEIGH_VALID (1ull << 63)

static bool
in_prefix(const uint8_t *a, const uint8_t *net, unsigned len)
{
	unsigned full = len / 8, rest = len % 8;

	if (memcmp(a, net, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ net[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static int
neigh_add(struct tw_neigh_table *t, uint8_t ver, const uint8_t *addr,
	  const uint8_t *src)
{
	size_t alen = ver == 4 ? 4 : 16;
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].ip_ver == ver &&
		    memcmp(t->e[i].addr, addr, alen) == 0)
			return (int)i;
	if (t->n >= TW_NEIGH_MAX)
		return -1;
	memset(&t->e[t->n], 0, sizeof(t->e[t->n]));
	t->e[t->n].ip_ver = ver;
	memcpy(t->e[t->n].addr, addr, alen);
	memcpy(t->e[t->n].src, src, alen);
	return (int)t->n++;
}

unsigned
tw_neigh_routes(const struct tw_config *cfg, struct tw_neigh_table *t,
		struct tw_upstream_route *r)
{
	unsigned i, j, bad = 0;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < cfg->n_upstreams; i++) {
		const struct tw_cfg_upstream *u = &cfg->upstreams[i];
		const struct tw_cfg_addr *gw =
			u->family == AF_INET ? &cfg->gateway4 : &cfg->gateway6;
		const struct tw_cfg_prefix *on = NULL, *via = NULL, *any = NULL;

		memset(&r[i], 0, sizeof(r[i]));
		r[i].ip_ver = u->family == AF_INET ? 4 : 6;
		memcpy(r[i].addr, u->addr, 16);
		r[i].port = u->port;
		r[i].neigh = -1;
		for (j = 0; j < cfg->n_listen; j++) {
			const struct tw_cfg_prefix *l = &cfg->listen[j];

			if (l->family != u->family)
				continue;
			if (any == NULL)
				any = l;
			if (on == NULL && in_prefix(u->addr, l->addr, l->len))
				on = l;
			if (via == NULL && gw->family == u->family &&
			    in_prefix(gw->addr, l->addr, l->len))
				via = l;
		}
		if (on != NULL) {
			memcpy(r[i].src, on->addr, 16);
			r[i].neigh =
				neigh_add(t, r[i].ip_ver, u->addr, on->addr);
		} else if (gw->family == u->family && any != NULL) {
			const struct tw_cfg_prefix *s = via ? via : any;

			memcpy(r[i].src, s->addr, 16);
			r[i].neigh =
				neigh_add(t, r[i].ip_ver, gw->addr, s->addr);
		}
		if (r[i].neigh < 0)
			bad++;
	}
	return bad;
}

bool
tw_neigh_learn(struct tw_neigh_table *t, uint8_t ip_ver, const uint8_t *addr,
	       const uint8_t *mac, uint16_t port_idx)
{
	static const uint8_t zero[6] = { 0 };
	size_t alen = ip_ver == 4 ? 4 : 16;
	bool hit = false;
	unsigned i;

	/* A next hop's address is an individual, nonzero MAC (IEEE 802):
	 * a group or zero one (from a forged ARP or ND packet) would send
	 * upstream queries to the whole segment, or nowhere. */
	if ((mac[0] & 1) || memcmp(mac, zero, 6) == 0)
		return false;
	for (i = 0; i < t->n; i++) {
		struct tw_neigh *e = &t->e[i];
		uint64_t w = NEIGH_VALID | (uint64_t)(port_idx & 0xff) << 48;
		unsigned k;

		if (e->ip_ver != ip_ver || memcmp(e->addr, addr, alen) != 0)
			continue;
		for (k = 0; k < 6; k++)
			w |= (uint64_t)mac[k] << (8 * (5 - k));
		if (__atomic_load_n(&e->word, __ATOMIC_RELAXED) != w)
			__atomic_store_n(&e->word, w, __ATOMIC_RELEASE);
		hit = true;
	}
	return hit;
}

bool
tw_neigh_get(const struct tw_neigh_table *t, int i, uint8_t mac[6],
	     uint16_t *port_idx)
{
	uint64_t w;
	unsigned k;

	if (i < 0 || (unsigned)i >= t->n)
		return false;
	w = __atomic_load_n(&t->e[i].word, __ATOMIC_ACQUIRE);
	if (!(w & NEIGH_VALID))
		return false;
	for (k = 0; k < 6; k++)
		mac[k] = (uint8_t)(w >> (8 * (5 - k)));
	*port_idx = (uint16_t)((w >> 48) & 0xff);
	return true;
}
