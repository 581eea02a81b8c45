package kube

import (
	"context"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ctlops/ctl/internal/config"
)

// Discover lists the namespaces a `discover:` pattern turns into
// environments: one API call, bounded by timeout.
func Discover(ctx context.Context, d config.Discovery, timeout time.Duration) ([]string, error) {
	c, err := loadCluster(d.Context, timeout)
	if err != nil {
		return nil, err
	}
	actx, cancel := c.apiCtx(ctx)
	defer cancel()
	list := &corev1.NamespaceList{}
	err = c.core.Get().Resource("namespaces").VersionedParams(&metav1.ListOptions{LabelSelector: d.Selector}, paramCodec).Do(actx).Into(list)
	if err != nil {
		return nil, c.classify(err, "list", "namespaces", "")
	}
	names := make([]string, 0, len(list.Items))
	for _, ns := range list.Items {
		if ns.DeletionTimestamp == nil {
			names = append(names, ns.Name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// DiscoverOne reports whether namespace exists and matches the pattern's
// selector: one GET, so a platform with hundreds of instances resolves an
// environment name without listing them all.
func DiscoverOne(ctx context.Context, d config.Discovery, namespace string, timeout time.Duration) (bool, error) {
	c, err := loadCluster(d.Context, timeout)
	if err != nil {
		return false, err
	}
	sel, err := labels.Parse(d.Selector)
	if err != nil {
		return false, err
	}
	actx, cancel := c.apiCtx(ctx)
	defer cancel()
	ns := &corev1.Namespace{}
	err = c.core.Get().Resource("namespaces").Name(namespace).Do(actx).Into(ns)
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, c.classify(err, "get", "namespaces", "")
	}
	return sel.Matches(labels.Set(ns.Labels)), nil
}
