package kube

import (
	"context"
	"fmt"

	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/targets"
)

var _ targets.DBHost = (*Target)(nil)

// DatabaseHost is where `ctl db dump --remote` runs pg_dump on
// Kubernetes: in the database's own pod (the one dbshell's port-forward
// reaches), whose image's pg_dump matches its server and which reaches it
// over its own socket, so that no client version, and no port-forward,
// stands between. The credentials are dbshell's, without an address: in
// the pod, libpq's defaults (or the container's PGHOST/PGPORT) find the
// server; the port is set only when the pod serves on another than 5432.
// A database reached directly (database.host: outside the cluster) has
// no such pod.
func (t *Target) DatabaseHost(ctx context.Context) (*targets.DB, string, error) {
	db, err := t.credentials(ctx)
	if err != nil {
		return nil, "", err
	}
	if db.Engine != "postgres" {
		return nil, "", fmt.Errorf("environment %q: the app uses %s, not PostgreSQL", t.env.Name, db.Engine)
	}
	if t.env.Has("database.host") {
		return nil, "", exitcode.WithHint(fmt.Errorf("environment %q: --remote runs pg_dump in the database's pod, and database.host says the database is reached directly, outside the cluster", t.env.Name),
			"dump without --remote, with a local pg_dump matching the server's major version")
	}
	pod, port, err := t.databasePod(ctx, db)
	if err != nil {
		return nil, "", err
	}
	t.dbPod, t.dbPodContainer = pod, containerWithPort(pod, port)
	rdb := *db
	rdb.Host, rdb.Port = "", 0
	if port != 5432 {
		rdb.Port = port
	}
	return &rdb, fmt.Sprintf("pod %s/%s (container %s)", pod.Namespace, pod.Name, t.dbPodContainer), nil
}

// RunOn execs s in the database's pod DatabaseHost chose (host is the
// name it gave).
func (t *Target) RunOn(ctx context.Context, host string, s targets.Command) (int, error) {
	if t.dbPod == nil {
		return 0, fmt.Errorf("%s: no database pod chosen", host)
	}
	t.pod, t.container, t.ran = t.dbPod.Name, t.dbPodContainer, s.Argv
	return t.exec(ctx, t.dbPod, t.dbPodContainer, s.Argv, s)
}
