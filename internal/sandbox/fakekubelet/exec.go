package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"

	"github.com/ctlops/ctl/internal/sandbox/rules"
)

const (
	// What the kubelet uses (--streaming-connection-idle-timeout default).
	idleTimeout           = 4 * time.Hour
	streamCreationTimeout = remotecommand.DefaultStreamCreationTimeout
	// How long output may keep flowing after the command exited (from
	// background processes holding its stdout) before they are killed.
	drainGrace = 500 * time.Millisecond
	// How long a TTY session waits for the client's first terminal size,
	// so that the command starts with the right one.
	firstSizeWait = 250 * time.Millisecond
)

const basePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

type kubelet struct {
	rulesFile string
	procs     *procTable
	// runtime runs the pods' containers (nil without --kubeconfig).
	runtime *runtime
}

func (k *kubelet) serveExec(w http.ResponseWriter, r *http.Request) {
	ns, pod, uid, container := r.PathValue("ns"), r.PathValue("pod"), r.PathValue("uid"), r.PathValue("container")
	opts, err := remotecommand.NewOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	cmd := r.URL.Query()["command"]
	if len(cmd) == 0 {
		http.Error(w, "no command", http.StatusBadRequest)
		return
	}
	ex := &executor{k: k, namespace: ns, opts: *opts}
	remotecommand.ServeExec(w, r, ex, pod, uid, container, cmd, opts, idleTimeout, streamCreationTimeout,
		remotecommand.SupportedStreamingProtocols)
}

// executor serves one exec request: the namespace is not part of the
// Executor interface, so it lives here.
type executor struct {
	k         *kubelet
	namespace string
	opts      remotecommand.Options
}

func (e *executor) ExecInContainer(ctx context.Context, pod, _, container string, cmd []string,
	in io.Reader, out, errOut io.WriteCloser, tty bool, resize <-chan remotecommand.TerminalSize, _ time.Duration,
) error {
	start := time.Now()
	where := fmt.Sprintf("%s/%s[%s]", e.namespace, pod, container)
	rs, err := rules.Load(e.k.rulesFile)
	if err != nil {
		log.Printf("exec %s: %v", where, err)
		return fmt.Errorf("fakekubelet: rules: %w", err)
	}
	rule, ok := rs.FindExec(e.namespace, pod, container)
	if !ok {
		log.Printf("exec %s: no rule", where)
		return fmt.Errorf("fakekubelet: no exec rule matches container %q of pod %s/%s (rules file %s)",
			container, e.namespace, pod, e.k.rulesFile)
	}
	// Only the streams the client asked for (a websocket client gets
	// placeholders for the others).
	if !e.opts.Stdin {
		in = nil
	}
	if !e.opts.Stdout {
		out = nil
	}
	if !e.opts.Stderr || tty {
		errOut = nil
	}

	env := environ(rule, pod, tty)
	// A container runtime resolves the command with the container's PATH,
	// not the kubelet's: look it up in the rule's environment.
	bin, err := lookPathIn(cmd[0], env, rule.WorkDir)
	if err != nil {
		log.Printf("exec %s tty=%v %s: %v", where, tty, quote(cmd), err)
		return err
	}
	c := exec.Command(bin, cmd[1:]...) //nolint:gosec // running the client's command is the point
	c.Args[0] = cmd[0]
	c.Dir = rule.WorkDir
	c.Env = env
	if tty {
		err = e.k.runTTY(ctx, c, in, out, resize)
	} else {
		err = e.k.runPlain(ctx, c, in, out, errOut)
	}
	err = exitError(cmd, err)
	status := "exit 0"
	var ce utilexec.CodeExitError
	switch {
	case errors.As(err, &ce):
		status = fmt.Sprintf("exit %d", ce.Code)
	case err != nil:
		status = err.Error()
	}
	log.Printf("exec %s tty=%v %s: %s (%s)", where, tty, quote(cmd), status, time.Since(start).Round(time.Millisecond))
	return err
}

// lookPathIn finds name in the PATH of env (never in fakekubelet's own);
// a name with a slash is returned as it is.
func lookPathIn(name string, env []string, dir string) (string, error) {
	if strings.ContainsRune(name, '/') {
		return name, nil
	}
	for _, kv := range env {
		path, ok := strings.CutPrefix(kv, "PATH=")
		if !ok {
			continue
		}
		for _, d := range filepath.SplitList(path) {
			if d == "" {
				d = "."
			}
			if !filepath.IsAbs(d) && dir != "" {
				d = filepath.Join(dir, d)
			}
			p := filepath.Join(d, name)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
				return p, nil
			}
		}
	}
	// What runc says (containerd wraps it in an internal error).
	return "", fmt.Errorf("exec: %q: executable file not found in $PATH", name)
}

// environ is a container-like environment: a minimal base, then the rule's.
func environ(rule rules.Exec, pod string, tty bool) []string {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "/"
	}
	env := []string{"PATH=" + basePath, "HOSTNAME=" + pod, "HOME=" + home}
	if tty {
		env = append(env, "TERM=xterm")
	}
	for _, kv := range rule.Env {
		k, _, _ := strings.Cut(kv, "=")
		env = setEnv(env, k, kv)
	}
	return env
}

func setEnv(env []string, key, kv string) []string {
	for i, x := range env {
		if strings.HasPrefix(x, key+"=") {
			env[i] = kv
			return env
		}
	}
	return append(env, kv)
}

// exitError turns a finished command's error into what cri-streaming
// reports as an exit code: k8s.io/utils/exec.ExitError (by type
// assertion, so it must not be wrapped).
func exitError(cmd []string, err error) error {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return err
	}
	code := ee.ExitCode()
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	return utilexec.CodeExitError{Err: fmt.Errorf("error executing command %v, exit code %d", cmd, code), Code: code}
}

// runPlain runs without a TTY: stdout and stderr are pipes we drain before
// returning, stdin is closed when the client's stdin ends.
func (k *kubelet) runPlain(ctx context.Context, c *exec.Cmd, in io.Reader, out, errOut io.Writer) error {
	var (
		childEnds []*os.File // closed in the parent after Start
		copies    sync.WaitGroup
		stdinW    *os.File
	)
	closeAll := func() {
		for _, f := range childEnds {
			f.Close() //nolint:errcheck,gosec
		}
	}
	pipeOut := func(dst io.Writer) (*os.File, *os.File, error) {
		if dst == nil {
			return nil, nil, nil
		}
		r, w, err := os.Pipe()
		if err != nil {
			return nil, nil, err
		}
		childEnds = append(childEnds, w)
		return r, w, nil
	}
	outR, outW, err := pipeOut(out)
	if err != nil {
		return err
	}
	errR, errW, err := pipeOut(errOut)
	if err != nil {
		closeAll()
		outR.Close() //nolint:errcheck,gosec
		return err
	}
	if outW != nil {
		c.Stdout = outW
	}
	if errW != nil {
		c.Stderr = errW
	}
	if in != nil {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll()
			return err
		}
		childEnds = append(childEnds, r)
		c.Stdin, stdinW = r, w
	}
	// Own process group, so the command and whatever it starts can be
	// killed together; SIGKILL if fakekubelet dies first.
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := c.Start(); err != nil {
		closeAll()
		for _, f := range []*os.File{outR, errR, stdinW} {
			if f != nil {
				f.Close() //nolint:errcheck,gosec
			}
		}
		return err
	}
	closeAll()
	pgid := c.Process.Pid
	k.procs.add(pgid)
	defer k.procs.remove(pgid)

	for _, p := range []struct {
		r   *os.File
		dst io.Writer
	}{{outR, out}, {errR, errOut}} {
		if p.r == nil {
			continue
		}
		copies.Add(1)
		go func() {
			defer copies.Done()
			io.Copy(p.dst, p.r) //nolint:errcheck,gosec // a client gone is not our error
			p.r.Close()         //nolint:errcheck,gosec
		}()
	}
	if stdinW != nil {
		go func() {
			io.Copy(stdinW, in) //nolint:errcheck,gosec // EPIPE when the command does not read
			stdinW.Close()      //nolint:errcheck,gosec // EOF for the command
		}()
	}

	waitErr := waitCtx(ctx, c, pgid)
	if stdinW != nil {
		stdinW.Close() //nolint:errcheck,gosec
	}
	finish(&copies, pgid, nil)
	return waitErr
}

// runTTY runs in a new session whose controlling terminal is a PTY, so job
// control and Ctrl-C work as in a container with tty: true.
func (k *kubelet) runTTY(ctx context.Context, c *exec.Cmd, in io.Reader, out io.Writer, resize <-chan remotecommand.TerminalSize) error {
	var size *pty.Winsize
	if resize != nil {
		select {
		case sz, ok := <-resize:
			if ok {
				size = &pty.Winsize{Rows: sz.Height, Cols: sz.Width}
			} else {
				resize = nil
			}
		case <-time.After(firstSizeWait):
		}
	}
	// Setsid + Setctty (Ctty 0 = the child's stdin, the PTY): the PTY is the
	// session's controlling terminal.
	ptmx, err := pty.StartWithAttrs(c, size, &syscall.SysProcAttr{Setsid: true, Setctty: true, Pdeathsig: syscall.SIGKILL})
	if err != nil {
		return err
	}
	pgid := c.Process.Pid
	k.procs.add(pgid)
	defer k.procs.remove(pgid)

	done := make(chan struct{})
	defer close(done)
	go forwardResizes(ptmx, resize, done)
	if in != nil {
		go io.Copy(ptmx, in) //nolint:errcheck // ends with the stream or the PTY
	}
	if out == nil {
		out = io.Discard
	}
	var copies sync.WaitGroup
	copies.Add(1)
	go func() {
		defer copies.Done()
		// Reads end with EIO once every process has closed the terminal,
		// after what they wrote has been read.
		io.Copy(out, ptmx) //nolint:errcheck,gosec
	}()

	waitErr := waitCtx(ctx, c, pgid)
	finish(&copies, pgid, ptmx)
	ptmx.Close() //nolint:errcheck,gosec
	return waitErr
}

// waitCtx waits for the command; if ctx ends first its group is killed.
func waitCtx(ctx context.Context, c *exec.Cmd, pgid int) error {
	stop := context.AfterFunc(ctx, func() { syscall.Kill(-pgid, syscall.SIGKILL) }) //nolint:errcheck,gosec
	defer stop()
	return c.Wait()
}

// finish waits for the output to be drained. Processes the command left
// behind that still hold its output get drainGrace, then their group is
// killed (and the PTY closed) so that the exec can end; an exec never
// leaves processes behind on the host.
func finish(copies *sync.WaitGroup, pgid int, ptmx *os.File) {
	drained := make(chan struct{})
	go func() { copies.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(drainGrace):
		syscall.Kill(-pgid, syscall.SIGKILL) //nolint:errcheck,gosec
		if ptmx != nil {
			ptmx.Close() //nolint:errcheck,gosec
		}
		<-drained
	}
	syscall.Kill(-pgid, syscall.SIGKILL) //nolint:errcheck,gosec // leftovers without our output
}

// procTable knows the process groups of running commands, to end them when
// fakekubelet stops.
type procTable struct {
	mu    sync.Mutex
	pgids map[int]struct{}
}

func newProcTable() *procTable { return &procTable{pgids: map[int]struct{}{}} }

func (p *procTable) add(pgid int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pgids[pgid] = struct{}{}
}

func (p *procTable) remove(pgid int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.pgids, pgid)
}

func (p *procTable) killAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for pgid := range p.pgids {
		syscall.Kill(-pgid, syscall.SIGKILL) //nolint:errcheck,gosec
	}
}

// quote renders a command for the log, shortened.
func quote(cmd []string) string {
	s := fmt.Sprintf("%q", cmd)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// forwardResizes sets the PTY's window size to each resize the client
// sends, until the channel closes or done.
func forwardResizes(ptmx *os.File, resize <-chan remotecommand.TerminalSize, done <-chan struct{}) {
	for {
		select {
		case sz, ok := <-resize:
			if !ok {
				return
			}
			pty.Setsize(ptmx, &pty.Winsize{Rows: sz.Height, Cols: sz.Width}) //nolint:errcheck,gosec
		case <-done:
			return
		}
	}
}
