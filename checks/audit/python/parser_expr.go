package python

// Expression parsing. Precedence, from loosest to tightest:
//
//	lambda
//	if-else
//	or
//	and
//	not
//	comparisons (in, not in, is, is not, <, <=, >, >=, !=, ==)
//	|  ^  &  << >>  + -  * @ / // %   (binary, see binaryPrec)
//	unary + - ~
//	**  (right-associative; binds tighter than a unary minus on its left)
//	await
//	primary: x.attr, x[i], x(args)

// startsExpr reports whether the current token can start an expression.
func (p *parser) startsExpr() bool {
	switch p.tok.Kind {
	case NAME, NUMBER, STRING, LPAR, LSQB, LBRACE, MINUS, PLUS, TILDE, NOT,
		LAMBDA, AWAIT, STAR, ELLIPSIS, TRUE, FALSE, NONE:
		return true
	}
	return false
}

func (p *parser) bad(pos Pos) *BadExpr { return &BadExpr{Span{pos, pos}} }

// parseStarExpressionsOrYield parses the right-hand side of an assignment.
func (p *parser) parseStarExpressionsOrYield() Expr {
	if p.tok.Kind == YIELD {
		return p.parseYield()
	}
	return p.parseStarExpressions()
}

// parseStarExpressions parses a comma-separated list of (possibly starred)
// expressions; more than one element, or a trailing comma, gives a Tuple.
func (p *parser) parseStarExpressions() Expr {
	first := p.parseStarExpr()
	if p.tok.Kind != COMMA {
		return first
	}
	elts := []Expr{first}
	for p.got(COMMA) && p.startsExpr() {
		elts = append(elts, p.parseStarExpr())
	}
	return &Tuple{Span: Span{first.Pos(), p.prevEnd()}, Elts: elts}
}

// parseStarExpr parses "*x" or an expression (star_expression).
func (p *parser) parseStarExpr() Expr {
	if p.tok.Kind == STAR {
		pos := p.tok.Pos
		p.next()
		x := p.parseBinary(1)
		return &Starred{Span{pos, x.End()}, x}
	}
	return p.parseExpr()
}

// parseStarNamedExpr parses "*x" or a named expression
// (star_named_expression), as allowed in displays and subscripts.
func (p *parser) parseStarNamedExpr() Expr {
	if p.tok.Kind == STAR {
		return p.parseStarExpr()
	}
	return p.parseNamedExpr()
}

// parseNamedExpr parses "name := expr" or an expression.
func (p *parser) parseNamedExpr() Expr {
	if p.tok.Kind == NAME && p.peek(1) == COLONEQUAL {
		target := &Name{Span: Span{p.tok.Pos, p.tok.End}, ID: p.tok.Text}
		p.next()
		p.next()
		v := p.parseExpr()
		return &NamedExpr{Span{target.Pos(), v.End()}, target, v}
	}
	return p.parseExpr()
}

// parseExpr parses an expression: lambda, conditional expression or
// disjunction.
func (p *parser) parseExpr() Expr {
	if p.tok.Kind == LAMBDA {
		return p.parseLambda()
	}
	x := p.parseDisjunction()
	if p.tok.Kind != IF {
		return x
	}
	if !p.enter() {
		p.leave()
		return x
	}
	defer p.leave()
	p.next()
	test := p.parseDisjunction()
	p.expect(ELSE)
	orelse := p.parseExpr()
	return &IfExp{Span{x.Pos(), orelse.End()}, test, x, orelse}
}

func (p *parser) parseLambda() Expr {
	pos := p.tok.Pos
	if !p.enter() {
		p.leave()
		return p.bad(pos)
	}
	defer p.leave()
	p.next()
	params := p.parseParams(COLON, false)
	p.expect(COLON)
	body := p.parseExpr()
	return &Lambda{Span{pos, body.End()}, params, body}
}

func (p *parser) parseYield() Expr {
	pos := p.tok.Pos
	p.next()
	y := &Yield{}
	if p.got(FROM) {
		y.From = true
		y.Value = p.parseExpr()
	} else if p.startsExpr() {
		y.Value = p.parseStarExpressions()
	}
	y.Span = Span{pos, p.prevEnd()}
	return y
}

func (p *parser) parseDisjunction() Expr {
	x := p.parseConjunction()
	if p.tok.Kind != OR {
		return x
	}
	values := []Expr{x}
	for p.got(OR) {
		values = append(values, p.parseConjunction())
	}
	return &BoolOp{Span{x.Pos(), p.prevEnd()}, Or, values}
}

func (p *parser) parseConjunction() Expr {
	x := p.parseInversion()
	if p.tok.Kind != AND {
		return x
	}
	values := []Expr{x}
	for p.got(AND) {
		values = append(values, p.parseInversion())
	}
	return &BoolOp{Span{x.Pos(), p.prevEnd()}, And, values}
}

func (p *parser) parseInversion() Expr {
	if p.tok.Kind != NOT {
		return p.parseComparison()
	}
	pos := p.tok.Pos
	if !p.enter() {
		p.leave()
		return p.bad(pos)
	}
	defer p.leave()
	p.next()
	x := p.parseInversion()
	return &UnaryOp{Span{pos, x.End()}, Not, x}
}

// compareOp returns the comparison operator at the current token and the
// number of tokens it spans (0 if there is none).
func (p *parser) compareOp() (Op, int) {
	switch p.tok.Kind {
	case EQEQUAL:
		return Eq, 1
	case NOTEQUAL:
		return NotEq, 1
	case LESS:
		return Lt, 1
	case LESSEQUAL:
		return LtE, 1
	case GREATER:
		return Gt, 1
	case GREATEREQUAL:
		return GtE, 1
	case IN:
		return In, 1
	case NOT:
		if p.peek(1) == IN {
			return NotIn, 2
		}
	case IS:
		if p.peek(1) == NOT {
			return IsNot, 2
		}
		return Is, 1
	}
	return BadOp, 0
}

func (p *parser) parseComparison() Expr {
	x := p.parseBinary(1)
	op, n := p.compareOp()
	if n == 0 {
		return x
	}
	c := &Compare{Left: x}
	for n > 0 {
		for ; n > 0; n-- {
			p.next()
		}
		c.Ops = append(c.Ops, op)
		c.Comparators = append(c.Comparators, p.parseBinary(1))
		op, n = p.compareOp()
	}
	c.Span = Span{x.Pos(), p.prevEnd()}
	return c
}

// binaryPrec returns the operator and precedence of a binary operator
// token, or precedence 0.
func binaryPrec(k Kind) (Op, int) {
	switch k {
	case VBAR:
		return BitOr, 1
	case CIRCUMFLEX:
		return BitXor, 2
	case AMPER:
		return BitAnd, 3
	case LEFTSHIFT:
		return LShift, 4
	case RIGHTSHIFT:
		return RShift, 4
	case PLUS:
		return Add, 5
	case MINUS:
		return Sub, 5
	case STAR:
		return Mult, 6
	case SLASH:
		return Div, 6
	case DOUBLESLASH:
		return FloorDiv, 6
	case PERCENT:
		return Mod, 6
	case AT:
		return MatMult, 6
	}
	return BadOp, 0
}

// parseBinary parses left-associative binary operators of precedence at
// least minPrec by precedence climbing.
func (p *parser) parseBinary(minPrec int) Expr {
	x := p.parseFactor()
	for {
		op, prec := binaryPrec(p.tok.Kind)
		if prec == 0 || prec < minPrec {
			return x
		}
		p.next()
		y := p.parseBinary(prec + 1)
		x = &BinOp{Span{x.Pos(), y.End()}, x, op, y}
	}
}

// parseFactor parses unary +, - and ~.
func (p *parser) parseFactor() Expr {
	var op Op
	switch p.tok.Kind {
	case PLUS:
		op = UAdd
	case MINUS:
		op = USub
	case TILDE:
		op = Invert
	default:
		return p.parsePower()
	}
	pos := p.tok.Pos
	if !p.enter() {
		p.leave()
		return p.bad(pos)
	}
	defer p.leave()
	p.next()
	x := p.parseFactor()
	return &UnaryOp{Span{pos, x.End()}, op, x}
}

// parsePower parses "await? primary ('**' factor)?".
func (p *parser) parsePower() Expr {
	var x Expr
	if p.tok.Kind == AWAIT {
		pos := p.tok.Pos
		p.next()
		v := p.parsePrimary()
		x = &Await{Span{pos, v.End()}, v}
	} else {
		x = p.parsePrimary()
	}
	if p.tok.Kind != DOUBLESTAR {
		return x
	}
	if !p.enter() {
		p.leave()
		return x
	}
	defer p.leave()
	p.next()
	y := p.parseFactor()
	return &BinOp{Span{x.Pos(), y.End()}, x, Pow, y}
}

// parsePrimary parses an atom followed by attribute references,
// subscripts and calls.
func (p *parser) parsePrimary() Expr {
	x := p.parseAtom()
	for !p.stmtErr {
		switch p.tok.Kind {
		case DOT:
			p.next()
			name := p.parseName()
			x = &Attribute{Span{x.Pos(), name.End()}, x, name}
		case LPAR:
			if !p.enter() {
				p.leave()
				return x
			}
			p.next()
			args, kws := p.parseCallArgs()
			p.leave()
			x = &Call{Span{x.Pos(), p.prevEnd()}, x, args, kws}
		case LSQB:
			if !p.enter() {
				p.leave()
				return x
			}
			p.next()
			idx := p.parseSlices()
			p.expect(RSQB)
			p.leave()
			x = &Subscript{Span{x.Pos(), p.prevEnd()}, x, idx}
		default:
			return x
		}
	}
	return x
}

// parseCallArgs parses call arguments after '(' up to and including ')'.
func (p *parser) parseCallArgs() ([]Expr, []*Keyword) {
	var args []Expr
	var kws []*Keyword
	var genexp Expr
	for p.tok.Kind != RPAR && !p.stmtErr {
		pos := p.tok.Pos
		switch {
		case p.tok.Kind == STAR:
			p.next()
			x := p.parseExpr()
			args = append(args, &Starred{Span{pos, x.End()}, x})
		case p.tok.Kind == DOUBLESTAR:
			p.next()
			x := p.parseExpr()
			kws = append(kws, &Keyword{Span{pos, x.End()}, nil, x})
		case p.tok.Kind == NAME && p.peek(1) == EQUAL:
			name := p.parseName()
			p.next()
			x := p.parseExpr()
			kws = append(kws, &Keyword{Span{pos, x.End()}, name, x})
		default:
			x := p.parseNamedExpr()
			if p.tok.Kind == FOR || (p.tok.Kind == ASYNC && p.peek(1) == FOR) {
				x = p.parseComprehension(GeneratorExp, pos, x, nil)
				genexp = x
			}
			args = append(args, x)
		}
		if !p.got(COMMA) {
			break
		}
	}
	if genexp != nil && len(args)+len(kws) > 1 {
		p.errorf(genexp.Pos(), "generator expression must be parenthesized")
	}
	p.expect(RPAR)
	return args, kws
}

// parseSlices parses the contents of a subscript.
func (p *parser) parseSlices() Expr {
	first := p.parseSlice()
	if p.tok.Kind != COMMA {
		if _, ok := first.(*Starred); ok { // x[*a] subscripts with a tuple
			return &Tuple{Span: first.(*Starred).Span, Elts: []Expr{first}}
		}
		return first
	}
	elts := []Expr{first}
	for p.got(COMMA) && (p.startsExpr() || p.tok.Kind == COLON) {
		elts = append(elts, p.parseSlice())
	}
	return &Tuple{Span: Span{first.Pos(), p.prevEnd()}, Elts: elts}
}

func (p *parser) parseSlice() Expr {
	pos := p.tok.Pos
	var lower Expr
	if p.tok.Kind != COLON {
		lower = p.parseStarNamedExpr()
		if p.tok.Kind != COLON {
			return lower
		}
	}
	s := &Slice{Lower: lower}
	p.next() // first ':'
	if p.startsExpr() {
		s.Upper = p.parseExpr()
	}
	if p.got(COLON) && p.startsExpr() {
		s.Step = p.parseExpr()
	}
	s.Span = Span{pos, p.prevEnd()}
	return s
}

// parseAtom parses names, literals and bracketed displays.
func (p *parser) parseAtom() Expr {
	t := p.tok
	switch t.Kind {
	case NAME:
		p.next()
		return &Name{Span{t.Pos, t.End}, t.Text}
	case NUMBER:
		p.next()
		return &Number{Span: Span{t.Pos, t.End}, Raw: t.Text, Kind: numberKind(t.Text)}
	case STRING:
		return p.parseStrings()
	case TRUE, FALSE, NONE, ELLIPSIS:
		p.next()
		k := ConstEllipsis
		switch t.Kind {
		case TRUE:
			k = ConstTrue
		case FALSE:
			k = ConstFalse
		case NONE:
			k = ConstNone
		}
		return &Constant{Span{t.Pos, t.End}, k}
	case LPAR, LSQB, LBRACE:
		if !p.enter() {
			p.leave()
			return p.bad(t.Pos)
		}
		defer p.leave()
		switch t.Kind {
		case LPAR:
			return p.parseParen()
		case LSQB:
			return p.parseList()
		}
		return p.parseBrace()
	}
	p.unexpected("expression")
	return p.bad(t.Pos)
}

// numberKind classifies a NUMBER token's text.
func numberKind(s string) NumberKind {
	if len(s) > 1 && s[0] == '0' && (s[1]|0x20 == 'x' || s[1]|0x20 == 'o' || s[1]|0x20 == 'b') {
		return Int
	}
	kind := Int
	for i := 0; i < len(s); i++ {
		switch s[i] | 0x20 {
		case 'j':
			return Imaginary
		case '.', 'e':
			kind = Float
		}
	}
	return kind
}

// parseStrings parses one or more adjacent string literals, which are
// implicitly concatenated.
func (p *parser) parseStrings() Expr {
	first := p.tok
	if p.peek(1) != STRING && !first.Str.Format {
		p.next()
		return &String{Span{first.Pos, first.End}, first.Str.Value, first.Str.Bytes}
	}
	startIdx := p.pos
	var hasF, hasBytes, hasStr bool
	for p.tok.Kind == STRING {
		s := p.tok.Str
		hasF = hasF || s.Format
		hasBytes = hasBytes || s.Bytes
		hasStr = hasStr || !s.Bytes
		p.next()
	}
	toks := p.toks[startIdx:p.pos]
	span := Span{first.Pos, p.prevEnd()}
	if hasBytes && hasStr {
		p.errorf(first.Pos, "cannot mix bytes and nonbytes literals")
	}
	if !hasF {
		n := 0
		for i := range toks {
			n += len(toks[i].Str.Value)
		}
		buf := make([]byte, 0, n)
		for i := range toks {
			buf = append(buf, toks[i].Str.Value...)
		}
		return &String{span, string(buf), hasBytes}
	}
	f := &FString{Span: span}
	for i := range toks {
		s := toks[i].Str
		if s.Format {
			f.Values = p.fstringValues(s.Parts, f.Values)
		} else {
			f.Values = appendLiteral(f.Values, s.Value, toks[i].Pos, toks[i].End)
		}
	}
	return f
}

// parseParen parses a parenthesized expression, tuple, generator
// expression or yield expression; the current token is '('.
func (p *parser) parseParen() Expr {
	lpar := p.tok.Pos
	p.next()
	if p.got(RPAR) {
		return &Tuple{Span: Span{lpar, p.prevEnd()}, Parenthesized: true}
	}
	if p.tok.Kind == YIELD {
		y := p.parseYield()
		p.expect(RPAR)
		return y
	}
	first := p.parseStarNamedExpr()
	switch p.tok.Kind {
	case FOR, ASYNC:
		c := p.parseComprehension(GeneratorExp, lpar, first, nil)
		p.expect(RPAR)
		c.EndPos = p.prevEnd()
		return c
	case COMMA:
		elts := []Expr{first}
		for p.got(COMMA) && p.tok.Kind != RPAR && !p.stmtErr {
			elts = append(elts, p.parseStarNamedExpr())
		}
		p.expect(RPAR)
		return &Tuple{Span{lpar, p.prevEnd()}, elts, true}
	}
	p.expect(RPAR)
	return first
}

// parseList parses a list display or comprehension; the current token is
// '['.
func (p *parser) parseList() Expr {
	lbrack := p.tok.Pos
	p.next()
	if p.got(RSQB) {
		return &List{Span: Span{lbrack, p.prevEnd()}}
	}
	first := p.parseStarNamedExpr()
	if p.tok.Kind == FOR || p.tok.Kind == ASYNC {
		c := p.parseComprehension(ListComp, lbrack, first, nil)
		p.expect(RSQB)
		c.EndPos = p.prevEnd()
		return c
	}
	elts := p.parseElements(first, RSQB)
	return &List{Span{lbrack, p.prevEnd()}, elts}
}

// parseElements parses the rest of a comma-separated display after its
// first element, including the closing token.
func (p *parser) parseElements(first Expr, closing Kind) []Expr {
	elts := []Expr{first}
	for p.got(COMMA) && p.tok.Kind != closing && !p.stmtErr {
		elts = append(elts, p.parseStarNamedExpr())
	}
	p.expect(closing)
	return elts
}

// parseBrace parses a dict or set display or comprehension; the current
// token is '{'.
func (p *parser) parseBrace() Expr {
	lbrace := p.tok.Pos
	p.next()
	if p.got(RBRACE) {
		return &Dict{Span: Span{lbrace, p.prevEnd()}}
	}
	if p.tok.Kind == DOUBLESTAR {
		return p.parseDictItems(lbrace, nil, nil)
	}
	first := p.parseStarNamedExpr()
	switch p.tok.Kind {
	case COLON:
		p.next()
		value := p.parseExpr()
		if p.tok.Kind == FOR || p.tok.Kind == ASYNC {
			c := p.parseComprehension(DictComp, lbrace, first, value)
			p.expect(RBRACE)
			c.EndPos = p.prevEnd()
			return c
		}
		return p.parseDictItems(lbrace, first, value)
	case FOR, ASYNC:
		c := p.parseComprehension(SetComp, lbrace, first, nil)
		p.expect(RBRACE)
		c.EndPos = p.prevEnd()
		return c
	}
	elts := p.parseElements(first, RBRACE)
	return &Set{Span{lbrace, p.prevEnd()}, elts}
}

// parseDictItems parses dict items up to and including '}'. If key is
// non-nil, the first item (key: value) has already been parsed.
func (p *parser) parseDictItems(lbrace Pos, key, value Expr) Expr {
	d := &Dict{}
	if key != nil {
		d.Keys = append(d.Keys, key)
		d.Values = append(d.Values, value)
		if !p.got(COMMA) {
			p.expect(RBRACE)
			d.Span = Span{lbrace, p.prevEnd()}
			return d
		}
	}
	for p.tok.Kind != RBRACE && !p.stmtErr {
		if p.got(DOUBLESTAR) {
			d.Keys = append(d.Keys, nil)
			d.Values = append(d.Values, p.parseBinary(1))
		} else {
			d.Keys = append(d.Keys, p.parseExpr())
			p.expect(COLON)
			d.Values = append(d.Values, p.parseExpr())
		}
		if !p.got(COMMA) {
			break
		}
	}
	p.expect(RBRACE)
	d.Span = Span{lbrace, p.prevEnd()}
	return d
}

// parseComprehension parses the for/if clauses following the element(s)
// of a comprehension. The closing bracket is left to the caller.
func (p *parser) parseComprehension(kind CompKind, pos Pos, elt, value Expr) *Comprehension {
	c := &Comprehension{Kind: kind, Elt: elt, Value: value}
	for !p.stmtErr && (p.tok.Kind == FOR || (p.tok.Kind == ASYNC && p.peek(1) == FOR)) {
		gen := &CompFor{}
		start := p.pos
		if p.got(ASYNC) {
			gen.Async = true
		}
		p.next() // for
		gen.Target = p.parseTargetList()
		p.checkTarget(gen.Target, "assign to")
		p.expect(IN)
		gen.Iter = p.parseDisjunction()
		for p.got(IF) {
			gen.Ifs = append(gen.Ifs, p.parseDisjunction())
		}
		gen.Span = p.span(start)
		c.Generators = append(c.Generators, gen)
	}
	if p.tok.Kind == ASYNC && p.peek(1) != FOR {
		p.unexpected("'for'")
	}
	c.Span = Span{pos, p.prevEnd()}
	return c
}

// parseTarget parses one assignment target of a for loop, with item, del
// or comprehension: "*x" or an expression without comparisons.
func (p *parser) parseTarget() Expr {
	if p.tok.Kind == STAR {
		pos := p.tok.Pos
		p.next()
		x := p.parseBinary(1)
		return &Starred{Span{pos, x.End()}, x}
	}
	return p.parseBinary(1)
}

// parseTargetList parses comma-separated targets; more than one, or a
// trailing comma, gives a Tuple.
func (p *parser) parseTargetList() Expr {
	first := p.parseTarget()
	if p.tok.Kind != COMMA {
		return first
	}
	elts := []Expr{first}
	for p.got(COMMA) && (p.startsExpr() && p.tok.Kind != NOT && p.tok.Kind != LAMBDA) {
		elts = append(elts, p.parseTarget())
	}
	return &Tuple{Span: Span{first.Pos(), p.prevEnd()}, Elts: elts}
}
