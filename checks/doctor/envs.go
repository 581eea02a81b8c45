package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/shells"
	"github.com/ctlops/ctl/targets"
	"github.com/ctlops/ctl/targets/kube"
)

func failure(err error) Outcome {
	return Outcome{Status: Fail, Message: err.Error(), Hint: exitcode.HintOf(err)}
}

func kubeChecks(s *state, e *config.Environment) []*Check {
	g := e.Name
	api := &Check{ID: "kube.api", Group: g, Env: e.Name, Run: func(ctx context.Context) Outcome {
		t, err := s.kubeTarget(ctx, e)
		if err != nil {
			return failure(err)
		}
		info, err := t.ServerVersion(ctx)
		if err != nil {
			if info != nil {
				s.setServer(t.Context(), info)
			}
			return failure(err)
		}
		s.setServer(t.Context(), info)
		return Outcome{Status: Pass, Message: fmt.Sprintf("%s answers: Kubernetes %s (context %s)", t.Server(), info.GitVersion, t.Context())}
	}}
	ns := &Check{ID: "kube.namespace", Group: g, Env: e.Name, Needs: []*Check{api}, Run: func(ctx context.Context) Outcome {
		t, err := s.kubeTarget(ctx, e)
		if err != nil {
			return failure(err)
		}
		ok, err := t.NamespaceExists(ctx)
		switch {
		case err != nil && ok: // may not get namespaces: not ctl's concern
			return Outcome{Status: Pass, Message: fmt.Sprintf("namespace %s (existence not visible to you: you may not get namespaces)", t.Namespace())}
		case err != nil:
			return failure(err)
		case !ok:
			return Outcome{Status: Fail, Message: fmt.Sprintf("namespace %q does not exist in context %s", t.Namespace(), t.Context()),
				Hint: "check namespace: in ctl.yaml (kubectl get namespaces lists them)"}
		}
		return Outcome{Status: Pass, Message: "namespace " + t.Namespace() + " exists"}
	}}
	pods := &Check{ID: "kube.pods", Group: g, Env: e.Name, Needs: []*Check{ns}, Run: func(ctx context.Context) Outcome {
		t, err := s.kubeTarget(ctx, e)
		if err != nil {
			return failure(err)
		}
		pod, comp, err := t.ChoosePod(ctx)
		if err != nil {
			return failure(err)
		}
		return Outcome{Status: Pass, Message: fmt.Sprintf("%s: pod %s is ready", comp, pod)}
	}}
	rbac := &Check{ID: "kube.rbac", Group: g, Env: e.Name, Needs: []*Check{api}, Run: func(ctx context.Context) Outcome {
		t, err := s.kubeTarget(ctx, e)
		if err != nil {
			return failure(err)
		}
		return checkRBAC(ctx, t)
	}}
	return []*Check{api, ns, pods, rbac, databaseCheck(s, e, api)}
}

// rbacNeed is one permission ctl uses, and how much its absence hurts.
type rbacNeed struct {
	verb, resource, sub string
	why                 string
	st                  Status
}

var rbacNeeds = []rbacNeed{
	{"list", "pods", "", "to choose the pod", Fail},
	{"create", "pods", "exec", "for shell, pyshell, exec and manage", Fail},
	{"create", "pods", "portforward", "for dbshell's tunnel", Fail},
	// API servers that authorise WebSocket upgrades as the GET they are
	// (before 1.31, or with AuthorizePodWebsocketUpgradeCreatePermission
	// off) also want get; client-go speaks WebSocket first.
	{"get", "pods", "exec", "for sessions over WebSocket on API servers before 1.31", Warn},
	{"get", "pods", "portforward", "for the tunnel over WebSocket on API servers before 1.31", Warn},
	{"get", "secrets", "", "for database.secret credentials", Warn},
	{"create", "events", "", "to record sessions on the pod", Warn},
}

func checkRBAC(ctx context.Context, t *kube.Target) Outcome {
	worst := Pass
	var missing, allowed []string
	for _, n := range rbacNeeds {
		ok, err := t.Can(ctx, n.verb, n.resource, n.sub)
		if err != nil {
			return failure(err)
		}
		res := n.resource
		if n.sub != "" {
			res += "/" + n.sub
		}
		if ok {
			allowed = append(allowed, n.verb+" "+res)
			continue
		}
		missing = append(missing, fmt.Sprintf("%s %s (%s)", n.verb, res, n.why))
		if n.st == Fail || worst == Pass {
			worst = n.st
		}
	}
	if len(missing) == 0 {
		return Outcome{Status: Pass, Message: "allowed: " + strings.Join(allowed, ", ")}
	}
	first := rbacNeeds[0]
	for _, n := range rbacNeeds {
		res := n.resource
		if n.sub != "" {
			res += "/" + n.sub
		}
		if strings.HasPrefix(missing[0], n.verb+" "+res+" ") {
			first = n
		}
	}
	res := first.resource
	if first.sub != "" {
		res += "/" + first.sub
	}
	return Outcome{Status: worst,
		Message: fmt.Sprintf("in namespace %s (context %s) you may not: %s", t.Namespace(), t.Context(), strings.Join(missing, "; ")),
		Hint:    fmt.Sprintf("ask for a Role granting them; check with: kubectl auth can-i %s %s -n %s", first.verb, res, t.Namespace()),
		Details: []string{"allowed: " + strings.Join(allowed, ", ")}}
}

func databaseCheck(s *state, e *config.Environment, api *Check) *Check {
	c := &Check{ID: "env.database", Group: e.Name, Env: e.Name, Run: func(ctx context.Context) Outcome {
		var t targets.Target
		var err error
		if e.Target == config.TargetKubernetes {
			var kt *kube.Target
			kt, err = s.kubeTarget(ctx, e)
			t = kt
		} else {
			t, err = s.target(e)
		}
		if err != nil {
			return failure(err)
		}
		return checkDatabase(ctx, t)
	}}
	if api != nil {
		c.Needs = []*Check{api}
	}
	return c
}

func checkDatabase(ctx context.Context, t targets.Target) Outcome {
	db, closeDB, err := t.Database(ctx)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return Outcome{Status: Fail, Message: "finding the database took too long: " + err.Error()}
		}
		return failure(err)
	}
	defer func() { _ = closeDB() }()
	switch db.Engine {
	case "sqlite":
		if _, err := os.Stat(db.Name); err != nil {
			return Outcome{Status: Warn, Message: fmt.Sprintf("SQLite database %s does not exist yet", db.Name),
				Hint: "ctl manage " + t.Env().Name + " -- migrate creates it", Details: []string{"from " + db.Source}}
		}
		return Outcome{Status: Pass, Message: "SQLite " + db.Name, Details: []string{"from " + db.Source}}
	case "postgres":
		timeout := 5 * time.Second
		if dl, ok := ctx.Deadline(); ok {
			timeout = time.Until(dl)
		}
		if err := shells.Preflight(ctx, db, timeout); err != nil {
			return failure(err)
		}
		return Outcome{Status: Pass, Message: fmt.Sprintf("PostgreSQL %q on %s as %q: connected", db.Name, db.Addr(), db.User),
			Details: []string{"credentials from " + db.Source}}
	}
	return Outcome{Status: Skip, Message: fmt.Sprintf("%s databases are not checked", db.Engine)}
}
