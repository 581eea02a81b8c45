package audit_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/ctlops/ctl/checks/live"
	"github.com/ctlops/ctl/checks/live/livetest"
	"github.com/ctlops/ctl/internal/sandbox/sandboxtest"
	"github.com/ctlops/ctl/internal/testenv"
)

// BenchmarkLiveAudit times `ctl audit qa` with its three layers on the
// sandbox (static with the Secret's values through the API, check
// --deploy through the exec, the HTTP probes of the hardened example
// served by gunicorn): the budget is 2 s for the whole run and 20
// requests. make bench-live-audit (scripts/bench-live-audit.sh) prints
// the figures.
func BenchmarkLiveAudit(b *testing.B) {
	a := sandboxtest.DeployApp(b, sandboxtest.AppOptions{SecretKey: "sk-" + time.Now().Format("150405.000000000") + "-bench-not-secret-padding-padding", Debug: "False"})
	cert := livetest.NewCert(b)
	site := livetest.Serve(b, livetest.Project(b), "hardened", cert)
	args := []string{"audit", "qa", "--root", a.Project, "--json", "--url", site.URL, "--http-url", site.HTTPURL, "--fail-on", "error"}
	for _, p := range livetest.Pages {
		args = append(args, "--page", p)
	}
	var walls []time.Duration
	layers := map[string][]int64{}
	maxReq := 0
	for b.Loop() {
		cmd := a.Command(b, args...)
		cmd.Env = a.Env("SSL_CERT_FILE=" + cert.CertFile)
		start := time.Now()
		out, errOut, code := testenv.Run(b, cmd, "")
		walls = append(walls, time.Since(start))
		if code > 1 {
			b.Fatalf("exit %d: %s", code, errOut)
		}
		var doc struct {
			Layers []live.LayerState `json:"layers"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		for _, l := range doc.Layers {
			if l.State != "ran" {
				b.Fatalf("layer %s %s: %s", l.Name, l.State, l.Detail)
			}
			layers[l.Name] = append(layers[l.Name], l.Millis)
			maxReq = max(maxReq, l.Requests)
		}
	}
	slices.Sort(walls)
	med := walls[len(walls)/2]
	b.ReportMetric(float64(med.Milliseconds()), "wall-ms-median")
	b.ReportMetric(float64(walls[len(walls)-1].Milliseconds()), "wall-ms-max")
	b.ReportMetric(float64(maxReq), "http-requests")
	for name, ms := range layers {
		slices.Sort(ms)
		b.ReportMetric(float64(ms[len(ms)/2]), name+"-ms-median")
	}
	verdict := "within"
	if walls[len(walls)-1] > 2*time.Second || maxReq > live.MaxRequests {
		verdict = "OVER"
	}
	fmt.Fprintf(os.Stderr, "live audit, 3 layers on the sandbox, %d runs: wall median %s, max %s; static %d ms, django %d ms, http %d ms (medians); %d HTTP requests (budget 2s and 20 requests: %s)\n",
		len(walls), med.Round(time.Millisecond), walls[len(walls)-1].Round(time.Millisecond),
		median(layers["static"]), median(layers["django"]), median(layers["http"]), maxReq, verdict)
}

func median(ms []int64) int64 {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)/2]
}
