package dbdump

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
)

// DefaultExcludeTableData are tables whose rows a dump leaves out by
// default (their schema is always kept): sessions, logs and task results
// of common Django apps. They are large, short-lived, and hold personal
// data or secrets (session keys). ctl.yaml's database.exclude_table_data
// adds to the list; --include-all-data empties it.
var DefaultExcludeTableData = []string{
	"django_session",                    // django.contrib.sessions: live session keys
	"django_admin_log",                  // django.contrib.admin: who changed what
	"django_celery_results_taskresult",  // django-celery-results
	"django_celery_results_groupresult", // django-celery-results
	"django_celery_results_chordcounter",
	"celery_taskmeta",        // celery's database result backend
	"celery_tasksetmeta",     // celery's database result backend
	"django_q_task",          // django-q results
	"silk_*",                 // django-silk request profiles (bodies, headers)
	"axes_accesslog",         // django-axes access log (IP addresses)
	"axes_accessattempt",     // django-axes failed logins
	"easyaudit_requestevent", // django-easy-audit requests
}

// ExcludeList is the default list plus extra, without duplicates.
func ExcludeList(extra []string, includeAll bool) []string {
	var out []string
	seen := map[string]bool{}
	base := DefaultExcludeTableData
	if includeAll {
		base = nil
	}
	for _, p := range append(append([]string{}, base...), extra...) {
		p = strings.TrimSpace(p)
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Table is one table whose data a dump carries.
type Table struct {
	Schema, Name string
	// Bytes is pg_table_size: heap and TOAST, what pg_dump reads (not
	// the indexes, which a dump does not copy).
	Bytes int64
}

// Qualified is schema.name.
func (t Table) Qualified() string { return t.Schema + "." + t.Name }

// Excluded says whether a --exclude-table-data pattern matches t: a
// pattern with a dot matches schema.name, one without matches the name in
// any schema ("*" and "?" are wildcards, as in psql's patterns).
func Excluded(t Table, patterns []string) bool {
	for _, p := range patterns {
		subject := t.Name
		if strings.Contains(p, ".") {
			subject = t.Qualified()
		}
		if ok, _ := path.Match(p, subject); ok {
			return true
		}
	}
	return false
}

// Estimate is what a dump will read: the tables whose data it copies.
type Estimate struct {
	Tables   []Table
	Excluded []Table // tables whose data is left out (schema kept)
	Bytes    int64
	bySchema map[string]int64
}

// SizeOf is the estimated size of a table named "schema.name".
func (e *Estimate) SizeOf(qualified string) int64 {
	if e == nil {
		return 0
	}
	return e.bySchema[qualified]
}

// EstimateDump lists the user tables with their sizes and splits them by
// the exclusion patterns.
func EstimateDump(ctx context.Context, db *targets.DB, exclude []string) (*Estimate, error) {
	conn, err := shells.Connect(ctx, db, 10*time.Second, "ctl db")
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	// pg_table_size takes a lock a running migration may hold: wait at
	// most 2 s for it, then fall back to the catalog's page counts (as of
	// the last VACUUM or ANALYZE), which need no lock.
	const sized = `select n.nspname, c.relname, pg_table_size(c.oid)
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
order by 1, 2`
	const catalog = `select n.nspname, c.relname, (c.relpages + coalesce(t.relpages, 0))::bigint * current_setting('block_size')::bigint
from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_class t on t.oid = c.reltoastrelid
where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
order by 1, 2`
	res, err := conn.Exec(ctx, "set lock_timeout = '2s'; "+sized).ReadAll()
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "55P03" { // lock_not_available
		res, err = conn.Exec(ctx, catalog).ReadAll()
	}
	if err != nil {
		return nil, fmt.Errorf("listing the tables: %w", err)
	}
	if len(res) > 0 {
		res = res[len(res)-1:]
	}
	e := &Estimate{bySchema: map[string]int64{}}
	if len(res) == 0 {
		return e, nil
	}
	for _, row := range res[0].Rows {
		n, _ := strconv.ParseInt(string(row[2]), 10, 64)
		t := Table{Schema: string(row[0]), Name: string(row[1]), Bytes: n}
		if Excluded(t, exclude) {
			e.Excluded = append(e.Excluded, t)
			continue
		}
		e.Tables = append(e.Tables, t)
		e.Bytes += n
		e.bySchema[t.Qualified()] = n
	}
	return e, nil
}
