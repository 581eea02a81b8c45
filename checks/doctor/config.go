package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ctlops/ctl/checks/audit"
	"github.com/ctlops/ctl/checks/scaffold"
	"github.com/ctlops/ctl/internal/atomicfile"
	"github.com/ctlops/ctl/internal/config"
	"github.com/ctlops/ctl/internal/dotenv"
	"github.com/ctlops/ctl/internal/exitcode"
	"github.com/ctlops/ctl/internal/textutil"
	"github.com/ctlops/ctl/targets/kube"
)

func configChecks(s *state, kubeEnvs []*config.Environment) []*Check {
	g := GroupConfiguration
	out := []*Check{{ID: "config.file", Group: g, Run: s.checkConfigFile}}
	if len(kubeEnvs) > 0 {
		out = append(out, &Check{ID: "config.contexts", Group: g, Run: func(context.Context) Outcome { return s.checkContexts(kubeEnvs) }})
	}
	out = append(out,
		&Check{ID: "config.dotenv", Group: g, Run: func(context.Context) Outcome { return s.checkDotenv() }},
		&Check{ID: "config.audit", Group: g, Run: s.checkAudit},
	)
	return out
}

func (s *state) checkConfigFile(ctx context.Context) Outcome {
	if s.d.ConfigErr != nil {
		return Outcome{Status: Fail, Message: s.d.ConfigErr.Error(), Hint: exitcode.HintOf(s.d.ConfigErr)}
	}
	cfg := s.d.Config
	if cfg.TeamFile != "" {
		out := Outcome{Status: Pass, Message: fmt.Sprintf("%s: %d environment(s): %s", rel(s.d.Cwd, cfg.TeamFile), len(cfg.Environments), strings.Join(cfg.Names(), ", "))}
		if cfg.PersonalFile != "" {
			out.Details = append(out.Details, "personal file: "+cfg.PersonalFile)
		}
		return out
	}
	out := Outcome{Status: Warn, Message: "no ctl.yaml here or above: only the implicit local environment",
		Hint: "ctl init writes one from what it finds"}
	dir := s.projectDir()
	if dir == "" {
		out.Hint = "run ctl from your Django project; ctl init there writes ctl.yaml"
		return out
	}
	path := filepath.Join(dir, config.TeamFileName)
	out.Fix = &Fix{Title: "write ctl.yaml from what is discovered (as ctl init does)",
		Plan: []string{fmt.Sprintf("create %s (the project, its settings module, .env, and namespaces that look like the app's in each kube context)", path)},
		Apply: func(ctx context.Context, _ FixIO) error {
			f, err := scaffold.Discover(ctx, scaffold.Options{Cwd: dir, Timeout: s.d.Timeout, Getenv: s.d.Getenv, Kube: s.d.Kube})
			if err != nil {
				return err
			}
			return scaffold.Write(path, scaffold.Render(f), false)
		}}
	return out
}

// contextProblem is one environment whose context is missing.
type contextProblem struct {
	env, context string
}

func (s *state) checkContexts(kubeEnvs []*config.Environment) Outcome {
	kc, err := s.kubeconfig()
	if err != nil {
		return Outcome{Status: Fail, Message: err.Error()}
	}
	known := kc.ContextNames()
	var problems []string
	var missing []contextProblem
	var noCurrent []string
	seen := map[string]bool{}
	var used []string
	for _, e := range kubeEnvs {
		name := e.Context
		if name == "" {
			if kc.Config.CurrentContext == "" {
				noCurrent = append(noCurrent, e.Name)
				continue
			}
			name = kc.Config.CurrentContext
		}
		if _, ok := kc.Config.Contexts[name]; ok {
			if !seen[name] {
				seen[name] = true
				used = append(used, name)
			}
			continue
		}
		msg := fmt.Sprintf("environment %s names context %q, which the kubeconfig lacks", e.Name, name)
		if sg := textutil.Suggest(name, known); sg != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sg)
		}
		problems = append(problems, msg)
		missing = append(missing, contextProblem{env: e.Name, context: name})
	}
	if len(noCurrent) > 0 {
		problems = append(problems, fmt.Sprintf("environment(s) %s use the current context, and the kubeconfig has none", strings.Join(noCurrent, ", ")))
	}
	if len(problems) == 0 {
		return Outcome{Status: Pass, Message: "context(s) found: " + strings.Join(used, ", ")}
	}
	out := Outcome{Status: Fail, Message: strings.Join(problems, "; "),
		Hint: "known contexts: " + strings.Join(known, ", ") + "; fix context: in ctl.yaml, or add the context (kubectl config set-context)"}
	if len(known) == 0 {
		out.Hint = "the kubeconfig has no context at all: get credentials from your cluster's admin or cloud CLI"
	}
	out.Fix = s.contextFix(kc, kubeEnvs, missing, len(noCurrent) > 0)
	return out
}

// contextFix creates missing contexts from a sibling (the suggested
// context, or the only one) and switches to a context when there is no
// current one and the choice is unambiguous.
func (s *state) contextFix(kc *kube.Kubeconfig, kubeEnvs []*config.Environment, missing []contextProblem, noCurrent bool) *Fix {
	if len(kc.Files) == 0 {
		return nil
	}
	file := kc.Files[0]
	known := kc.ContextNames()
	type add struct{ name, cluster, user, namespace string }
	var adds []add
	var plan []string
	done := map[string]bool{}
	for _, m := range missing {
		if done[m.context] {
			continue
		}
		from := textutil.Suggest(m.context, known)
		if from == "" && len(known) == 1 {
			from = known[0]
		}
		src, ok := kc.Config.Contexts[from]
		if !ok {
			continue
		}
		done[m.context] = true
		ns := ""
		for _, e := range kubeEnvs {
			if e.Name == m.env {
				ns = strings.ReplaceAll(e.Namespace, "{env}", e.Name)
			}
		}
		adds = append(adds, add{m.context, src.Cluster, src.AuthInfo, ns})
		cmd := fmt.Sprintf("kubectl config set-context %s --cluster=%s --user=%s", shellQuote(m.context), shellQuote(src.Cluster), shellQuote(src.AuthInfo))
		if ns != "" {
			cmd += " --namespace=" + shellQuote(ns)
		}
		plan = append(plan, fmt.Sprintf("edit %s: add context %q (cluster and user of %q), as `%s` would", file, m.context, from, cmd))
	}
	use := ""
	if noCurrent {
		switch {
		case len(known) == 1:
			use = known[0]
		case len(adds) == 1 && len(known) == 0:
			use = adds[0].name
		}
		if use != "" {
			plan = append(plan, fmt.Sprintf("edit %s: make %q the current context, as `kubectl config use-context %s` would", file, use, shellQuote(use)))
		}
	}
	if len(plan) == 0 {
		return nil
	}
	title := "create the missing kube context"
	if len(adds) == 0 {
		title = "switch to the kube context"
	}
	return &Fix{Title: title, Plan: plan, Apply: func(context.Context, FixIO) error {
		for _, a := range adds {
			if err := kube.AddContext(file, a.name, a.cluster, a.user, a.namespace, false); err != nil {
				return err
			}
		}
		if use != "" {
			return kube.UseContext(file, use)
		}
		return nil
	}}
}

func (s *state) checkDotenv() Outcome {
	dir := s.projectDir()
	if dir == "" {
		return Outcome{Status: Skip, Message: "not in a Django project (no manage.py here or above)"}
	}
	example, env := filepath.Join(dir, ".env.example"), filepath.Join(dir, ".env")
	_, errEx := os.Stat(example)
	_, errEnv := os.Stat(env)
	switch {
	case errEnv == nil:
		return Outcome{Status: Pass, Message: rel(s.d.Cwd, env) + " exists"}
	case errEx != nil:
		return Outcome{Status: Pass, Message: "no .env.example, so no .env is expected"}
	}
	return Outcome{Status: Warn, Message: fmt.Sprintf("%s exists but %s does not: local sessions miss its variables", rel(s.d.Cwd, example), rel(s.d.Cwd, env)),
		Hint: "cp .env.example .env, then fill in the values",
		Fix: &Fix{Title: "copy .env.example to .env", Plan: []string{fmt.Sprintf("create %s as a copy of %s (mode 0600: it will hold secrets)", env, example)},
			Apply: func(context.Context, FixIO) error {
				b, err := os.ReadFile(example)
				if err != nil {
					return err
				}
				return atomicfile.Create(env, b, 0o600)
			}}}
}

func (s *state) checkAudit(ctx context.Context) Outcome {
	dir := s.projectDir()
	if dir == "" {
		return Outcome{Status: Skip, Message: "not in a Django project (no manage.py here or above)"}
	}
	opts := audit.Options{Cwd: dir, Root: dir, Env: map[string]string{}, EnvFrom: map[string]string{}}
	envNote := "environment variables unset"
	if vars, err := dotenv.ReadFile(filepath.Join(dir, ".env")); err == nil {
		for _, v := range vars {
			opts.Env[v.Key], opts.EnvFrom[v.Key] = v.Value, ".env"
		}
		envNote = "with .env"
	}
	res, err := audit.Run(ctx, opts)
	if err != nil {
		var ue *audit.UsageError
		if errors.As(err, &ue) {
			return Outcome{Status: Skip, Message: err.Error()}
		}
		return Outcome{Status: Fail, Message: err.Error()}
	}
	var ids []string
	count := map[string]int{}
	for _, f := range res.Findings {
		if f.Severity >= audit.Error {
			if count[f.ID] == 0 {
				ids = append(ids, f.ID)
			}
			count[f.ID]++
		}
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		return Outcome{Status: Pass, Message: fmt.Sprintf("%s: no errors (%s)", res.Module, envNote),
			Details: []string{fmt.Sprintf("%d finding(s) below error level; ctl audit lists them", len(res.Findings))}}
	}
	return Outcome{Status: Fail, Message: fmt.Sprintf("%s: %d error(s): %s (%s)", res.Module, len(ids), strings.Join(ids, ", "), envNote),
		Hint: "ctl audit shows each with its line and fix"}
}
