package kube

import (
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/rest"
)

// Cluster is what a kubeconfig context resolves to, for other packages
// (the status watcher) that need the same connection the target uses.
type Cluster struct {
	// Context is the kubeconfig context's name (the current one resolved).
	Context string
	// Server is the API server URL.
	Server string
	// Namespace is the context's namespace ("" when unset).
	Namespace string
	// Config is the REST configuration (credentials included; never print it).
	Config *rest.Config
}

var (
	sharedMu       sync.Mutex
	sharedClusters = map[string]*Cluster{}
)

// SharedCluster reads the kubeconfig for contextName ("" = current) once
// per process and returns the same *Cluster on every later call: many
// environments in one context share one parse and one set of clients.
func SharedCluster(contextName string) (*Cluster, error) {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if c, ok := sharedClusters[contextName]; ok {
		return c, nil
	}
	c, err := loadCluster(contextName, 5*time.Second)
	if err != nil {
		return nil, err
	}
	sc := &Cluster{Context: c.context, Server: c.server, Namespace: c.namespace, Config: c.config}
	sharedClusters[contextName] = sc
	return sc, nil
}

// EnvNamespace is the namespace an environment's configuration names:
// {env} replaced, else the context's namespace, else "default".
func EnvNamespace(configured, envName, contextNamespace string) string {
	ns := strings.ReplaceAll(configured, "{env}", envName)
	if ns == "" {
		ns = contextNamespace
	}
	if ns == "" {
		ns = "default"
	}
	return ns
}
