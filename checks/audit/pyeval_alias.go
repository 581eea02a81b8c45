package audit

import "github.com/ctlops/ctl/checks/audit/pyeval"

// The evaluator lives in package pyeval; the rules read its values
// under these names.
type (
	Value      = pyeval.Value
	Pos        = pyeval.Pos
	Source     = pyeval.Source
	SourceKind = pyeval.SourceKind
	Kind       = pyeval.Kind
	Diagnostic = pyeval.Diagnostic
	Evaluator  = pyeval.Evaluator
	// SuppliedFile is the deployment's copy of a file the settings read (--file).
	SuppliedFile = pyeval.SuppliedFile
)

const (
	Unknown = pyeval.Unknown
	None    = pyeval.None
	Bool    = pyeval.Bool
	Int     = pyeval.Int
	Float   = pyeval.Float
	Str     = pyeval.Str
	Bytes   = pyeval.Bytes
	List    = pyeval.List
	Tuple   = pyeval.Tuple
	Set     = pyeval.Set
	Dict    = pyeval.Dict
	Object  = pyeval.Object

	SrcLiteral    = pyeval.SrcLiteral
	SrcDefault    = pyeval.SrcDefault
	SrcEnvDefault = pyeval.SrcEnvDefault
	SrcEnv        = pyeval.SrcEnv
	SrcComputed   = pyeval.SrcComputed
	SrcUnknown    = pyeval.SrcUnknown
)

var (
	NewNone    = pyeval.NewNone
	NewBool    = pyeval.NewBool
	NewInt     = pyeval.NewInt
	NewFloat   = pyeval.NewFloat
	NewStr     = pyeval.NewStr
	NewUnknown = pyeval.NewUnknown
	NewSeq     = pyeval.NewSeq
	NewDict    = pyeval.NewDict
	Equal      = pyeval.Equal
)

// SrcGenerated marks a value generated at random when the settings load.
const SrcGenerated = pyeval.SrcGenerated
