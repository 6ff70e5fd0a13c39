/*
 * The HTTP API: the route table and the endpoint families behind it.
 * Each api_*.c file implements one family; api_basic.c holds the table.
 */
#ifndef SORTTP_API_H
#define SORTTP_API_H

#include "http_server.h"

/* Every route of the daemon, terminated by an entry with method NULL. */
extern const struct http_route api_routes[];

#endif
