package migrate_test

// `ctl migrate` against the Kubernetes sandbox and a fresh database of
// the rig's PostgreSQL: the plan and the migration run as Jobs whose pods
// fakekubelet runs in the example project.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/internal/sandbox"
	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
	"github.com/ctlops/ctl/shells/dbdump/dbdumptest"
)

type trailRec struct {
	Verb     string   `json:"verb"`
	Command  []string `json:"command"`
	ExitCode int      `json:"exitCode"`
	Job      string   `json:"job"`
	Image    string   `json:"image"`
	Error    string   `json:"error"`
}

func freshDB(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "ctl_migrate_" + hex.EncodeToString(b)
	dbdumptest.Exec(t, "postgres", `create database "`+name+`"`)
	t.Cleanup(func() { dbdumptest.Drop(t, name) })
	return name
}

func applied(t *testing.T, db, migration string) bool {
	t.Helper()
	app, name, _ := strings.Cut(migration, ".")
	return dbdumptest.Value(t, db, "select count(*) from django_migrations where app = '"+app+"' and name = '"+name+"'") == "1"
}

func TestMigrateSandbox(t *testing.T) {
	db := freshDB(t)
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{Database: db, Protected: true})

	// Everything up to inventory 0001: the seed migration stays pending.
	r := a.Run(t, "", "migrate", "qa", "--yes", "--", "inventory", "0001")
	if r.Code != 0 || !strings.Contains(r.Stderr, "inventory.0001_initial") || !strings.Contains(r.Stderr, "Create model Widget") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if !applied(t, db, "inventory.0001_initial") || applied(t, db, "inventory.0002_seed_widgets") {
		t.Fatal("migrate inventory 0001 did not apply exactly up to 0001")
	}

	// Two at once: the first holds the lock while it waits at the
	// production guard; the second is refused.
	m := testenv.StartTmux(t, a.Dir, a.Env("TERM=xterm"), 120, 40, testenv.Ctl(t), "migrate", "qa")
	m.WaitForText("Type the environment name")
	if s := m.Screen(); !strings.Contains(s, "inventory.0002_seed_widgets") || !strings.Contains(s, "raw Python/SQL") {
		t.Fatalf("the plan is not shown:\n%s", s)
	}
	second := a.Run(t, "", "migrate", "qa", "--yes")
	if second.Code != 255 || !strings.Contains(second.Stderr, "another run holds the lock ctl-migrate") {
		t.Fatalf("second migrate: exit %d\nstdout:\n%s\nstderr:\n%s", second.Code, second.Stdout, second.Stderr)
	}
	if applied(t, db, "inventory.0002_seed_widgets") {
		t.Fatal("the refused migrate applied something")
	}
	m.Type("qa\n")
	if code := m.ExitCode(); code != 0 {
		t.Fatalf("first migrate: exit %d\n%s", code, m.Screen())
	}
	if !applied(t, db, "inventory.0002_seed_widgets") || dbdumptest.Value(t, db, "select count(*) from inventory_widget") != "3" {
		t.Fatal("the seed migration was not applied")
	}
	recs := testenv.ReadTrail[trailRec](t, a.Home)
	last := recs[len(recs)-1]
	if last.Verb != "migrate" || last.ExitCode != 0 || !strings.Contains(last.Job, "-migrate-") || last.Image == "" {
		t.Fatalf("trail: %+v", last)
	}
	// No Job, pod or Lease is left behind.
	ctx := context.Background()
	if js, _ := a.SB.Client.BatchV1().Jobs(a.NS).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=ctl"}); len(js.Items) != 0 {
		t.Errorf("%d Jobs left", len(js.Items))
	}
	if ls, _ := a.SB.Client.CoordinationV1().Leases(a.NS).List(ctx, metav1.ListOptions{}); len(ls.Items) != 0 {
		t.Errorf("%d Leases left", len(ls.Items))
	}

	// Nothing left to do.
	again := a.Run(t, "", "migrate", "qa", "--yes", "--json")
	if again.Code != 0 || !strings.Contains(again.Stdout, `"applied": false`) || !strings.Contains(again.Stdout, `"plan": []`) {
		t.Fatalf("third migrate: exit %d\nstdout:\n%s\nstderr:\n%s", again.Code, again.Stdout, again.Stderr)
	}

	// A failing migration's exit code is ctl's.
	bad := a.Run(t, "", "migrate", "qa", "--yes", "--", "nosuchapp")
	if bad.Code != 1 || !strings.Contains(bad.Stderr, "No installed app with label 'nosuchapp'") {
		t.Fatalf("migrate nosuchapp: exit %d\n%s\n%s", bad.Code, bad.Stdout, bad.Stderr)
	}
}

func TestMigrateSandboxChartJob(t *testing.T) {
	db := freshDB(t)
	a := sandboxtest.DeployApp(t, sandboxtest.AppOptions{Database: db})
	// The chart's migration Job, run once (fakekubelet runs its pod's
	// command in the project, like the app's).
	a.SB.SetExecRule(t, sandbox.ExecRule{Namespace: a.NS, PodPrefix: "myapp-migrate-", WorkDir: a.Project,
		Env: []string{"PATH=" + filepath.Join(a.Project, ".venv", "bin") + ":/usr/bin:/bin", "DATABASE_URL=" + dbdumptest.DSNFor(t, db), "HOME=" + a.Home}})
	ctx := context.Background()
	zero := int32(0)
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "myapp-migrate", Labels: map[string]string{"app.kubernetes.io/part-of": "myapp"}},
		Spec: batchv1.JobSpec{BackoffLimit: &zero, Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{Name: "migrate", Image: "myapp:1.4.2", Command: []string{"python", "manage.py", "migrate", "inventory", "0001"}}}}}}}
	created, err := a.SB.Client.BatchV1().Jobs(a.NS).Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitJobDone(t, a, created.UID)
	if !applied(t, db, "inventory.0001_initial") {
		t.Fatal("the chart's Job did not migrate")
	}
	cfg := filepath.Join(a.Dir, "ctl.yaml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(b, []byte("    migrations:\n      job: myapp-migrate\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	// Arguments make no sense with the chart's Job.
	if r := a.Run(t, "", "migrate", "qa", "--", "inventory"); r.Code != 255 || !strings.Contains(r.Stderr, "takes no migrate arguments") {
		t.Fatalf("with arguments: exit %d\n%s", r.Code, r.Stderr)
	}
	// Something pending: the chart's Job is deleted and re-created (a
	// new UID), and runs to its end; it stays, as the chart made it.
	dbdumptest.Exec(t, db, "delete from django_migrations where app = 'inventory' and name = '0001_initial'")
	dbdumptest.Exec(t, db, "drop table inventory_widget")
	r := a.Run(t, "", "migrate", "qa")
	if r.Code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	again, err := a.SB.Client.BatchV1().Jobs(a.NS).Get(ctx, "myapp-migrate", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.UID == created.UID {
		t.Fatalf("the chart's Job was not re-run: same uid %s", again.UID)
	}
	waitJobDone(t, a, again.UID)
	if !applied(t, db, "inventory.0001_initial") {
		t.Fatal("the re-run did not migrate")
	}
}

func waitJobDone(t *testing.T, a *sandboxtest.App, uid any) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		j, err := a.SB.Client.BatchV1().Jobs(a.NS).Get(context.Background(), "myapp-migrate", metav1.GetOptions{})
		if err == nil && j.UID == uid && (j.Status.Succeeded > 0 || j.Status.Failed > 0) {
			if j.Status.Succeeded == 0 {
				t.Fatal("the chart's Job failed")
			}
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("the chart's Job never ended")
}
