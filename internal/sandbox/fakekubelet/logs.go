package main

// containerLogs, as the kubelet serves it to the API server's pods/log:
// GET /containerLogs/{ns}/{pod}/{container}?follow=&previous=&timestamps=
// &tailLines=&sinceSeconds=&sinceTime=&limitBytes=, plain text, from the
// instance's CRI log file ("<RFC3339Nano> <stream> <F|P> <text>"). With
// follow, the stream stays open until the instance ends (a restart ends
// it: clients open a new one for the new instance), the client goes, or
// the pod is deleted.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

type logQuery struct {
	follow, previous, timestamps bool
	tail                         int64 // -1: all
	since                        time.Time
	limit                        int64 // 0: none
}

func parseLogQuery(r *http.Request) (logQuery, error) {
	q := r.URL.Query()
	lq := logQuery{tail: -1}
	var err error
	b := func(k string) bool {
		v := q.Get(k)
		x, perr := strconv.ParseBool(v)
		if v != "" && perr != nil && err == nil {
			err = fmt.Errorf("%s: %w", k, perr)
		}
		return x
	}
	lq.follow, lq.previous, lq.timestamps = b("follow"), b("previous"), b("timestamps")
	if v := q.Get("tailLines"); v != "" {
		if lq.tail, err = strconv.ParseInt(v, 10, 64); err != nil || lq.tail < 0 {
			return lq, fmt.Errorf("tailLines: %q", v)
		}
	}
	if v := q.Get("sinceSeconds"); v != "" {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n <= 0 {
			return lq, fmt.Errorf("sinceSeconds: %q", v)
		}
		lq.since = time.Now().Add(-time.Duration(n) * time.Second)
	}
	if v := q.Get("sinceTime"); v != "" {
		t, perr := time.Parse(time.RFC3339, v)
		if perr != nil {
			return lq, fmt.Errorf("sinceTime: %w", perr)
		}
		lq.since = t
	}
	if v := q.Get("limitBytes"); v != "" {
		if lq.limit, err = strconv.ParseInt(v, 10, 64); err != nil || lq.limit <= 0 {
			return lq, fmt.Errorf("limitBytes: %q", v)
		}
	}
	return lq, err
}

func (k *kubelet) serveContainerLogs(w http.ResponseWriter, r *http.Request) {
	ns, pod, name := r.PathValue("ns"), r.PathValue("pod"), r.PathValue("container")
	lq, err := parseLogQuery(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var c *container
	if k.runtime != nil {
		c = k.runtime.lookup(ns, pod, name)
	}
	if c == nil {
		http.Error(w, fmt.Sprintf("container %q in pod %q is not available", name, pod), http.StatusNotFound)
		return
	}
	in := c.current()
	if lq.previous {
		in = c.previous()
		if in == nil {
			http.Error(w, fmt.Sprintf("previous terminated container %q in pod %q not found", name, pod), http.StatusBadRequest)
			return
		}
	}
	if in == nil {
		http.Error(w, fmt.Sprintf("container %q in pod %q is waiting to start", name, pod), http.StatusBadRequest)
		return
	}
	f, err := os.Open(in.path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer f.Close() //nolint:errcheck
	start := int64(0)
	if lq.tail >= 0 {
		if start, err = tailOffset(f, lq.tail); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	out := bufio.NewWriterSize(w, 32<<10)
	lw := &logWriter{out: out, q: lq, checkSince: !lq.since.IsZero()}
	br := bufio.NewReaderSize(f, 64<<10)
	var partial []byte
	for {
		changed, done := in.wait() // before reading: a write after the read closes it
		for {
			line, err := br.ReadSlice('\n')
			if errors_Is_BufferFull(err) {
				partial = append(partial, line...)
				continue
			}
			if err != nil { // EOF: keep what we have of an unfinished line
				partial = append(partial, line...)
				break
			}
			if len(partial) > 0 {
				line = append(partial, line...)
				partial = partial[:0]
			}
			if !lw.write(line) {
				out.Flush() //nolint:errcheck,gosec
				return
			}
		}
		if out.Flush() != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
		if !lq.follow || done {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		case <-time.After(time.Second): // the pod may have gone without a last write
			if k.runtime.lookup(ns, pod, name) == nil {
				return
			}
		}
	}
}

func errors_Is_BufferFull(err error) bool { return err == bufio.ErrBufferFull } //nolint:errorlint,revive // bufio returns it as is

// logWriter turns CRI lines into the kubelet's output.
type logWriter struct {
	out        *bufio.Writer
	q          logQuery
	checkSince bool
	written    int64
}

// write writes one CRI line; false when limitBytes is reached.
func (lw *logWriter) write(line []byte) bool {
	ts, rest, ok := bytes.Cut(line, []byte{' '})
	if !ok {
		return true
	}
	_, rest, ok = bytes.Cut(rest, []byte{' '}) // stream
	if !ok {
		return true
	}
	tag, text, ok := bytes.Cut(rest, []byte{' '})
	if !ok {
		return true
	}
	if lw.checkSince {
		t, err := time.Parse(time.RFC3339Nano, string(ts))
		if err == nil && t.Before(lw.q.since) {
			return true
		}
		lw.checkSince = false // the file is in time order
	}
	if bytes.Equal(tag, []byte("P")) { // a partial line: no newline after it
		text = bytes.TrimSuffix(text, []byte{'\n'})
	}
	var b []byte
	if lw.q.timestamps {
		b = append(append(b, ts...), ' ')
	}
	b = append(b, text...)
	if lw.q.limit > 0 && lw.written+int64(len(b)) > lw.q.limit {
		b = b[:lw.q.limit-lw.written]
		lw.out.Write(b) //nolint:errcheck,gosec
		return false
	}
	lw.written += int64(len(b))
	lw.out.Write(b) //nolint:errcheck,gosec
	return true
}

// tailOffset is the offset of the n-th line from the end of f, counting
// complete lines only (a line still being written is not one yet).
func tailOffset(f *os.File, n int64) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	pos := st.Size()
	end := int64(-1) // just after the last newline
	var count int64
	for pos > 0 {
		sz := min(int64(chunk), pos)
		pos -= sz
		if _, err := f.ReadAt(buf[:sz], pos); err != nil && err != io.EOF { //nolint:errorlint // ReadAt returns io.EOF as is
			return 0, err
		}
		for i := sz - 1; i >= 0; i-- {
			if buf[i] != '\n' {
				continue
			}
			if end < 0 {
				end = pos + i + 1
				if n == 0 {
					return end, nil
				}
				continue
			}
			count++
			if count == n {
				return pos + i + 1, nil
			}
		}
	}
	if end < 0 && n == 0 {
		return 0, nil
	}
	return 0, nil
}
