package kube

import (
	"context"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ctlops/ctl/internal/config"
)

// Discover lists the namespaces a `discover:` pattern turns into
// environments: one API call, bounded by the connection's timeout.
func Discover(ctx context.Context, c *Connection, d config.Discovery) ([]string, error) {
	actx, cancel := c.APIContext(ctx)
	defer cancel()
	list := &corev1.NamespaceList{}
	err := c.Core.Get().Resource("namespaces").VersionedParams(&metav1.ListOptions{LabelSelector: d.Selector}, ParameterCodec()).Do(actx).Into(list)
	if err != nil {
		return nil, c.Classify(err, "list", "namespaces", "")
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
func DiscoverOne(ctx context.Context, c *Connection, d config.Discovery, namespace string) (bool, error) {
	sel, err := labels.Parse(d.Selector)
	if err != nil {
		return false, err
	}
	actx, cancel := c.APIContext(ctx)
	defer cancel()
	ns := &corev1.Namespace{}
	err = c.Core.Get().Resource("namespaces").Name(namespace).Do(actx).Into(ns)
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, c.Classify(err, "get", "namespaces", "")
	}
	return sel.Matches(labels.Set(ns.Labels)), nil
}
