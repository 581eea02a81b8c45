package python

import "strings"

// parseStmts parses statements until EOF or, when inBlock, until the
// DEDENT closing the block (which is not consumed).
func (p *parser) parseStmts(body []Stmt, inBlock bool) []Stmt {
	for {
		switch p.tok.Kind {
		case EOF:
			return body
		case DEDENT:
			if inBlock {
				return body
			}
			p.next() // cannot happen with lexer output; be safe
			continue
		}
		before := p.pos
		body = p.parseStatement(body)
		if p.pos == before { // guarantee progress
			p.next()
		}
	}
}

// parseStatement parses one statement (or one line of simple statements)
// and appends the result to body.
func (p *parser) parseStatement(body []Stmt) []Stmt {
	p.stmtErr = false
	start := p.pos
	switch p.tok.Kind {
	case INDENT:
		p.errorf(p.tok.Pos, "unexpected indent")
		return append(body, p.parseIndentedBlock()...)
	case NEWLINE:
		p.next()
		return body
	case IF:
		return append(body, p.parseIf())
	case WHILE:
		return append(body, p.parseWhile())
	case FOR:
		return append(body, p.parseFor(start, false))
	case TRY:
		return append(body, p.parseTry())
	case WITH:
		return append(body, p.parseWith(start, false))
	case DEF:
		return append(body, p.parseFuncDef(start, nil, false))
	case CLASS:
		return append(body, p.parseClassDef(start, nil))
	case AT:
		return append(body, p.parseDecorated())
	case ASYNC:
		return append(body, p.parseAsync(start, nil))
	case ELIF, ELSE, EXCEPT, FINALLY:
		p.errorf(p.tok.Pos, "invalid syntax: '%s' without a matching statement", p.tok.Kind)
		return append(body, p.badBlockStmt(start))
	case NAME:
		if p.tok.Text == "match" && p.looksLikeMatch() {
			return append(body, p.parseMatch())
		}
	}
	return p.parseSimpleStmts(body)
}

// parseSimpleStmts parses simple statements separated by ';' up to and
// including the NEWLINE.
func (p *parser) parseSimpleStmts(body []Stmt) []Stmt {
	for {
		start := p.pos
		p.stmtErr = false
		s := p.parseSmallStmt()
		if !p.stmtErr {
			switch p.tok.Kind {
			case NEWLINE:
				p.next()
				return append(body, s)
			case EOF:
				return append(body, s)
			case SEMI:
				p.next()
				body = append(body, s)
				if p.tok.Kind == NEWLINE || p.tok.Kind == EOF {
					p.got(NEWLINE)
					return body
				}
				continue
			default:
				p.unexpected("end of statement")
			}
		}
		return append(body, p.badStmt(start, s))
	}
}

// atStmtEnd reports whether the current token ends a simple statement.
func (p *parser) atStmtEnd() bool {
	switch p.tok.Kind {
	case NEWLINE, SEMI, EOF:
		return true
	}
	return false
}

// parseSuite parses the block after a compound statement's ':'.
func (p *parser) parseSuite() []Stmt {
	switch p.tok.Kind {
	case NEWLINE:
		p.next()
		if p.tok.Kind != INDENT {
			p.diags.add(p.tok.Pos, p.tok.Pos, "expected an indented block")
			return nil
		}
		return p.parseIndentedBlock()
	case EOF:
		p.diags.add(p.tok.Pos, p.tok.Pos, "expected an indented block")
		return nil
	}
	return p.parseSimpleStmts(nil)
}

// parseElse parses "else: suite" or "finally: suite".
func (p *parser) parseElse() []Stmt {
	start := p.pos
	p.stmtErr = false
	p.next()
	p.expect(COLON)
	if p.stmtErr {
		return []Stmt{p.badBlockStmt(start)}
	}
	return p.parseSuite()
}

func (p *parser) span(start int) Span {
	end := p.prevEnd()
	from := p.toks[start].Pos
	if end.Offset < from.Offset {
		end = from
	}
	return Span{from, end}
}

func (p *parser) parseIf() Stmt {
	start := p.pos
	p.next()
	test := p.parseNamedExpr()
	p.expect(COLON)
	if p.stmtErr {
		return p.badBlockStmt(start)
	}
	s := &If{Test: test}
	s.Body = p.parseSuite()
	chain := []*If{s}
	starts := []int{start}
	cur := s
	for p.tok.Kind == ELIF {
		elifStart := p.pos
		p.stmtErr = false
		p.next()
		test := p.parseNamedExpr()
		p.expect(COLON)
		if p.stmtErr {
			cur.Else = []Stmt{p.badBlockStmt(elifStart)}
			break
		}
		elif := &If{Test: test}
		elif.Body = p.parseSuite()
		cur.Else = []Stmt{elif}
		cur = elif
		chain = append(chain, elif)
		starts = append(starts, elifStart)
	}
	if p.tok.Kind == ELSE && cur.Else == nil {
		cur.Else = p.parseElse()
	}
	for i, c := range chain {
		c.Span = p.span(starts[i])
	}
	return s
}

func (p *parser) parseWhile() Stmt {
	start := p.pos
	p.next()
	test := p.parseNamedExpr()
	p.expect(COLON)
	if p.stmtErr {
		return p.badBlockStmt(start)
	}
	s := &While{Test: test}
	s.Body = p.parseSuite()
	if p.tok.Kind == ELSE {
		s.Else = p.parseElse()
	}
	s.Span = p.span(start)
	return s
}

func (p *parser) parseFor(start int, async bool) Stmt {
	p.next() // for
	s := &For{Async: async}
	s.Target = p.parseTargetList()
	p.checkTarget(s.Target, "assign to")
	p.expect(IN)
	s.Iter = p.parseStarExpressions()
	p.expect(COLON)
	if p.stmtErr {
		return p.badBlockStmt(start)
	}
	s.Body = p.parseSuite()
	if p.tok.Kind == ELSE {
		s.Else = p.parseElse()
	}
	s.Span = p.span(start)
	return s
}

func (p *parser) parseWith(start int, async bool) Stmt {
	p.next() // with
	s := &With{Async: async}
	if p.tok.Kind == LPAR && p.parenthesizedWithItems() {
		p.next()
		for p.tok.Kind != RPAR && !p.stmtErr {
			s.Items = append(s.Items, p.parseWithItem())
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RPAR)
	} else {
		for {
			s.Items = append(s.Items, p.parseWithItem())
			if p.stmtErr || !p.got(COMMA) {
				break
			}
		}
	}
	p.expect(COLON)
	if p.stmtErr {
		return p.badBlockStmt(start)
	}
	s.Body = p.parseSuite()
	s.Span = p.span(start)
	return s
}

// parenthesizedWithItems reports whether the '(' at the current token
// encloses with-items, i.e. its matching ')' is followed by ':'.
func (p *parser) parenthesizedWithItems() bool {
	depth := 0
	for i := p.pos; i < len(p.toks); i++ {
		switch p.toks[i].Kind {
		case LPAR, LSQB, LBRACE:
			depth++
		case RPAR, RSQB, RBRACE:
			depth--
			if depth == 0 {
				return i+1 < len(p.toks) && p.toks[i+1].Kind == COLON
			}
		case NEWLINE, EOF:
			return false
		}
	}
	return false
}

func (p *parser) parseWithItem() *WithItem {
	start := p.pos
	item := &WithItem{Context: p.parseExpr()}
	if p.got(AS) {
		item.Vars = p.parseTarget()
		p.checkTarget(item.Vars, "assign to")
	}
	item.Span = p.span(start)
	return item
}

func (p *parser) parseTry() Stmt {
	start := p.pos
	p.next()
	p.expect(COLON)
	if p.stmtErr {
		return p.badBlockStmt(start)
	}
	s := &Try{Body: p.parseSuite()}
	for p.tok.Kind == EXCEPT {
		hstart := p.pos
		p.stmtErr = false
		p.next()
		h := &ExceptHandler{}
		if p.got(STAR) {
			s.Star = true
		}
		if p.tok.Kind != COLON {
			h.Type = p.parseExpr()
			if p.tok.Kind == COMMA { // unparenthesized tuple (Python 3.14)
				elts := []Expr{h.Type}
				for p.got(COMMA) && p.startsExpr() {
					elts = append(elts, p.parseExpr())
				}
				h.Type = &Tuple{Span: Span{elts[0].Pos(), p.prevEnd()}, Elts: elts}
			}
			if p.got(AS) {
				h.Name = p.parseName()
			}
		}
		p.expect(COLON)
		if p.stmtErr {
			h.Body = []Stmt{p.badBlockStmt(hstart)}
		} else {
			h.Body = p.parseSuite()
		}
		h.Span = p.span(hstart)
		s.Handlers = append(s.Handlers, h)
	}
	if p.tok.Kind == ELSE {
		s.Else = p.parseElse()
	}
	if p.tok.Kind == FINALLY {
		s.Finally = p.parseElse()
	}
	if len(s.Handlers) == 0 && s.Finally == nil {
		p.diags.add(p.tok.Pos, p.tok.Pos, "expected 'except' or 'finally' block")
	}
	s.Span = p.span(start)
	return s
}

func (p *parser) parseDecorated() Stmt {
	start := p.pos
	var decorators []Expr
	for p.tok.Kind == AT {
		p.next()
		decorators = append(decorators, p.parseNamedExpr())
		if !p.stmtErr && !p.got(NEWLINE) {
			p.unexpected("end of line")
		}
		if p.stmtErr {
			return p.badStmt(start, nil)
		}
	}
	switch p.tok.Kind {
	case DEF:
		return p.parseFuncDef(start, decorators, false)
	case CLASS:
		return p.parseClassDef(start, decorators)
	case ASYNC:
		return p.parseAsync(start, decorators)
	}
	p.unexpected("def or class after decorator")
	return p.badStmt(start, nil)
}

func (p *parser) parseAsync(start int, decorators []Expr) Stmt {
	p.next() // async
	switch p.tok.Kind {
	case DEF:
		return p.parseFuncDef(start, decorators, true)
	case FOR:
		if decorators == nil {
			return p.parseFor(start, true)
		}
	case WITH:
		if decorators == nil {
			return p.parseWith(start, true)
		}
	}
	p.unexpected("'def', 'for' or 'with' after 'async'")
	return p.badBlockStmt(start)
}

func (p *parser) parseFuncDef(start int, decorators []Expr, async bool) Stmt {
	p.next() // def
	s := &FunctionDef{Decorators: decorators, Async: async}
	s.Name = p.parseName()
	if p.tok.Kind == LSQB {
		s.TypeParams = p.parseTypeParams()
	}
	if p.expect(LPAR) {
		s.Params = p.parseParams(RPAR, true)
		p.expect(RPAR)
	}
	if p.got(RARROW) {
		s.Returns = p.parseExpr()
	}
	p.expect(COLON)
	if p.stmtErr {
		return p.badBlockStmt(start)
	}
	s.Body = p.parseSuite()
	s.Span = p.span(start)
	return s
}

func (p *parser) parseClassDef(start int, decorators []Expr) Stmt {
	p.next() // class
	s := &ClassDef{Decorators: decorators}
	s.Name = p.parseName()
	if p.tok.Kind == LSQB {
		s.TypeParams = p.parseTypeParams()
	}
	if p.got(LPAR) {
		s.Bases, s.Keywords = p.parseCallArgs()
	}
	p.expect(COLON)
	if p.stmtErr {
		return p.badBlockStmt(start)
	}
	s.Body = p.parseSuite()
	s.Span = p.span(start)
	return s
}

// looksLikeMatch reports whether the current "match" NAME starts a match
// statement: the logical line must end with ':' and be followed by an
// indented block starting with "case".
func (p *parser) looksLikeMatch() bool {
	switch p.peek(1) {
	case NEWLINE, EOF, EQUAL, DOT, COLON, COMMA, RPAR, SEMI, COLONEQUAL,
		PLUSEQUAL, MINEQUAL, STAREQUAL, SLASHEQUAL, PERCENTEQUAL, AMPEREQUAL, VBAREQUAL,
		CIRCUMFLEXEQUAL, LEFTSHIFTEQUAL, RIGHTSHIFTEQUAL, DOUBLESTAREQUAL, DOUBLESLASHEQUAL, ATEQUAL:
		return false
	}
	i := p.pos + 1
	for i < len(p.toks) && p.toks[i].Kind != NEWLINE && p.toks[i].Kind != EOF {
		i++
	}
	return i+2 < len(p.toks) && p.toks[i-1].Kind == COLON && p.toks[i].Kind == NEWLINE &&
		p.toks[i+1].Kind == INDENT && p.toks[i+2].Kind == NAME && p.toks[i+2].Text == "case"
}

func (p *parser) parseMatch() Stmt {
	start := p.pos
	p.next() // match
	s := &Match{Subject: p.parseStarNamedExpr()}
	if p.tok.Kind == COMMA {
		elts := []Expr{s.Subject}
		for p.got(COMMA) && p.startsExpr() {
			elts = append(elts, p.parseStarNamedExpr())
		}
		s.Subject = &Tuple{Span: Span{elts[0].Pos(), p.prevEnd()}, Elts: elts}
	}
	p.expect(COLON)
	if !p.stmtErr {
		p.expect(NEWLINE)
	}
	if p.stmtErr || p.tok.Kind != INDENT {
		return p.badBlockStmt(start)
	}
	p.next() // INDENT
	if !p.enter() {
		p.leave()
		p.skipBlock()
		return p.badStmt(start, nil)
	}
	for p.tok.Kind != DEDENT && p.tok.Kind != EOF {
		before := p.pos
		p.stmtErr = false
		if p.isName("case") {
			s.Cases = append(s.Cases, p.parseCase())
		} else {
			p.unexpected("'case'")
			p.badBlockStmt(p.pos)
		}
		if p.pos == before {
			p.next()
		}
	}
	p.leave()
	p.got(DEDENT)
	s.Span = p.span(start)
	return s
}

func (p *parser) parseCase() *MatchCase {
	start := p.pos
	p.next() // case
	c := &MatchCase{Pattern: p.parsePatterns()}
	if p.got(IF) {
		c.Guard = p.parseNamedExpr()
	}
	p.expect(COLON)
	if p.stmtErr {
		c.Body = []Stmt{p.badBlockStmt(start)}
	} else {
		c.Body = p.parseSuite()
	}
	c.Span = p.span(start)
	return c
}

// parseSmallStmt parses one simple statement.
func (p *parser) parseSmallStmt() Stmt {
	start := p.pos
	switch p.tok.Kind {
	case PASS:
		p.next()
		return &Pass{p.span(start)}
	case BREAK:
		p.next()
		return &Break{p.span(start)}
	case CONTINUE:
		p.next()
		return &Continue{p.span(start)}
	case RETURN:
		p.next()
		s := &Return{}
		if !p.atStmtEnd() {
			s.Value = p.parseStarExpressions()
		}
		s.Span = p.span(start)
		return s
	case RAISE:
		p.next()
		s := &Raise{}
		if !p.atStmtEnd() {
			s.Exc = p.parseExpr()
			if p.got(FROM) {
				s.Cause = p.parseExpr()
			}
		}
		s.Span = p.span(start)
		return s
	case GLOBAL, NONLOCAL:
		kind := p.tok.Kind
		p.next()
		var names []*Name
		for {
			names = append(names, p.parseName())
			if p.stmtErr || !p.got(COMMA) {
				break
			}
		}
		if kind == GLOBAL {
			return &Global{p.span(start), names}
		}
		return &Nonlocal{p.span(start), names}
	case DEL:
		p.next()
		s := &Delete{}
		for {
			t := p.parseTarget()
			p.checkTarget(t, "delete")
			s.Targets = append(s.Targets, t)
			if p.stmtErr || !p.got(COMMA) || p.atStmtEnd() {
				break
			}
		}
		s.Span = p.span(start)
		return s
	case ASSERT:
		p.next()
		s := &Assert{Test: p.parseExpr()}
		if p.got(COMMA) {
			s.Msg = p.parseExpr()
		}
		s.Span = p.span(start)
		return s
	case IMPORT:
		return p.parseImport()
	case FROM:
		return p.parseFromImport()
	case NAME:
		if p.tok.Text == "type" && p.peek(1) == NAME && (p.peek(2) == EQUAL || p.peek(2) == LSQB) {
			return p.parseTypeAlias()
		}
	}
	return p.parseExprStmt()
}

// augOps maps augmented assignment tokens to their operators.
var augOps = map[Kind]Op{
	PLUSEQUAL: Add, MINEQUAL: Sub, STAREQUAL: Mult, ATEQUAL: MatMult, SLASHEQUAL: Div,
	DOUBLESLASHEQUAL: FloorDiv, PERCENTEQUAL: Mod, DOUBLESTAREQUAL: Pow,
	LEFTSHIFTEQUAL: LShift, RIGHTSHIFTEQUAL: RShift, VBAREQUAL: BitOr,
	CIRCUMFLEXEQUAL: BitXor, AMPEREQUAL: BitAnd,
}

func (p *parser) parseExprStmt() Stmt {
	start := p.pos
	e := p.parseStarExpressionsOrYield()
	switch p.tok.Kind {
	case EQUAL:
		s := &Assign{Targets: []Expr{e}}
		for p.got(EQUAL) {
			s.Targets = append(s.Targets, p.parseStarExpressionsOrYield())
		}
		n := len(s.Targets)
		s.Value = s.Targets[n-1]
		s.Targets = s.Targets[:n-1]
		for _, t := range s.Targets {
			p.checkTarget(t, "assign to")
		}
		s.Span = p.span(start)
		return s
	case COLON:
		p.next()
		s := &AnnAssign{Target: e}
		p.checkSingleTarget(e, "annotated")
		s.Annotation = p.parseExpr()
		if p.got(EQUAL) {
			s.Value = p.parseStarExpressionsOrYield()
		}
		s.Span = p.span(start)
		return s
	}
	if op, ok := augOps[p.tok.Kind]; ok {
		p.next()
		p.checkSingleTarget(e, "augmented assignment")
		s := &AugAssign{Target: e, Op: op, Value: p.parseStarExpressionsOrYield()}
		s.Span = p.span(start)
		return s
	}
	return &ExprStmt{Span: p.span(start), X: e}
}

// checkTarget reports an error if e cannot be the target of an assignment,
// for loop, with item or del statement.
func (p *parser) checkTarget(e Expr, what string) {
	switch t := e.(type) {
	case *Name, *Attribute, *Subscript, *BadExpr:
	case *Tuple:
		for _, x := range t.Elts {
			p.checkTarget(x, what)
		}
	case *List:
		for _, x := range t.Elts {
			p.checkTarget(x, what)
		}
	case *Starred:
		p.checkTarget(t.X, what)
	default:
		p.errorf(e.Pos(), "cannot %s %s", what, exprDescription(e))
	}
}

// checkSingleTarget checks the target of an annotated or augmented
// assignment, which must be a name, attribute or subscript.
func (p *parser) checkSingleTarget(e Expr, what string) {
	switch e.(type) {
	case *Name, *Attribute, *Subscript, *BadExpr:
	default:
		p.errorf(e.Pos(), "%s is an illegal target for %s", exprDescription(e), what)
	}
}

// exprDescription describes an expression for error messages.
func exprDescription(e Expr) string {
	switch e := e.(type) {
	case *Number, *String, *FString:
		return "literal"
	case *Constant:
		return e.Kind.String()
	case *Call:
		return "function call"
	case *Tuple:
		return "tuple"
	case *List:
		return "list"
	case *Dict:
		return "dict literal"
	case *Set:
		return "set display"
	case *Comprehension:
		return "comprehension"
	case *Lambda:
		return "lambda"
	case *Compare:
		return "comparison"
	case *IfExp:
		return "conditional expression"
	case *NamedExpr:
		return "named expression"
	case *Yield:
		return "yield expression"
	case *Await:
		return "await expression"
	}
	return "expression"
}

func (p *parser) parseName() *Name {
	if p.tok.Kind != NAME {
		p.unexpected("name")
		return &Name{Span: Span{p.tok.Pos, p.tok.Pos}}
	}
	n := &Name{Span: Span{p.tok.Pos, p.tok.End}, ID: p.tok.Text}
	p.next()
	return n
}

// parseDottedName parses NAME ('.' NAME)*.
func (p *parser) parseDottedName() string {
	if p.tok.Kind != NAME {
		p.unexpected("module name")
		return ""
	}
	first := p.tok.Text
	p.next()
	if p.tok.Kind != DOT {
		return first
	}
	var b strings.Builder
	b.WriteString(first)
	for p.tok.Kind == DOT && !p.stmtErr {
		p.next()
		b.WriteByte('.')
		b.WriteString(p.parseName().ID)
	}
	return b.String()
}

func (p *parser) parseImport() Stmt {
	start := p.pos
	p.next()
	s := &Import{}
	for {
		astart := p.pos
		a := &Alias{Name: p.parseDottedName()}
		if p.got(AS) {
			a.AsName = p.parseName().ID
		}
		a.Span = p.span(astart)
		s.Names = append(s.Names, a)
		if p.stmtErr || !p.got(COMMA) {
			break
		}
	}
	s.Span = p.span(start)
	return s
}

func (p *parser) parseFromImport() Stmt {
	start := p.pos
	p.next()
	s := &ImportFrom{}
	for {
		if p.got(DOT) {
			s.Level++
		} else if p.got(ELLIPSIS) {
			s.Level += 3
		} else {
			break
		}
	}
	if p.tok.Kind != IMPORT || s.Level == 0 {
		s.Module = p.parseDottedName()
	}
	p.expect(IMPORT)
	switch {
	case p.stmtErr:
	case p.tok.Kind == STAR:
		s.Names = []*Alias{{Span: Span{p.tok.Pos, p.tok.End}, Name: "*"}}
		p.next()
	case p.got(LPAR):
		for p.tok.Kind != RPAR && !p.stmtErr {
			s.Names = append(s.Names, p.parseImportAlias())
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RPAR)
	default:
		for {
			s.Names = append(s.Names, p.parseImportAlias())
			if p.stmtErr || !p.got(COMMA) {
				break
			}
		}
	}
	s.Span = p.span(start)
	return s
}

func (p *parser) parseImportAlias() *Alias {
	start := p.pos
	a := &Alias{Name: p.parseName().ID}
	if p.got(AS) {
		a.AsName = p.parseName().ID
	}
	a.Span = p.span(start)
	return a
}

func (p *parser) parseTypeAlias() Stmt {
	start := p.pos
	p.next() // type
	s := &TypeAlias{Name: p.parseName()}
	if p.tok.Kind == LSQB {
		s.TypeParams = p.parseTypeParams()
	}
	p.expect(EQUAL)
	s.Value = p.parseExpr()
	s.Span = p.span(start)
	return s
}

// parseTypeParams parses a PEP 695 type parameter list "[T, *Ts, **P]".
func (p *parser) parseTypeParams() []*TypeParam {
	p.next() // [
	var params []*TypeParam
	for p.tok.Kind != RSQB && !p.stmtErr {
		start := p.pos
		tp := &TypeParam{}
		if p.got(STAR) {
			tp.Stars = 1
		} else if p.got(DOUBLESTAR) {
			tp.Stars = 2
		}
		tp.Name = p.parseName()
		if p.got(COLON) {
			tp.Bound = p.parseExpr()
		}
		if p.got(EQUAL) {
			tp.Default = p.parseExpr()
		}
		tp.Span = p.span(start)
		params = append(params, tp)
		if !p.got(COMMA) {
			break
		}
	}
	p.expect(RSQB)
	return params
}

// parseParams parses a def (annotations == true) or lambda parameter list
// up to, but not including, the closing token.
func (p *parser) parseParams(closing Kind, annotations bool) *Params {
	params := &Params{Span: Span{p.tok.Pos, p.tok.Pos}}
	start := p.pos
	seenStar := false
	for p.tok.Kind != closing && !p.stmtErr {
		switch p.tok.Kind {
		case SLASH:
			if seenStar || params.PosOnly != nil || len(params.Args) == 0 {
				p.errorf(p.tok.Pos, "invalid syntax: misplaced '/'")
				break
			}
			p.next()
			params.PosOnly, params.Args = params.Args, nil
		case STAR:
			if seenStar {
				p.errorf(p.tok.Pos, "invalid syntax: '*' argument may appear only once")
				break
			}
			seenStar = true
			p.next()
			if p.tok.Kind == NAME {
				params.VarArg = p.parseParam(annotations, false)
			}
		case DOUBLESTAR:
			p.next()
			params.KwArg = p.parseParam(annotations, false)
		case NAME:
			param := p.parseParam(annotations, true)
			if seenStar {
				params.KwOnly = append(params.KwOnly, param)
			} else {
				params.Args = append(params.Args, param)
			}
		default:
			p.unexpected("parameter")
		}
		if p.stmtErr || !p.got(COMMA) {
			break
		}
		if params.KwArg != nil && p.tok.Kind != closing {
			p.errorf(p.tok.Pos, "invalid syntax: arguments cannot follow **kwargs")
		}
	}
	params.Span = p.span(start)
	if p.pos == start {
		params.EndPos = params.StartPos
	}
	return params
}

func (p *parser) parseParam(annotations, defaults bool) *Param {
	start := p.pos
	param := &Param{Name: p.parseName()}
	if annotations && p.got(COLON) {
		if p.tok.Kind == STAR { // *args: *Ts
			sp := p.tok.Pos
			p.next()
			x := p.parseExpr()
			param.Annotation = &Starred{Span{sp, x.End()}, x}
		} else {
			param.Annotation = p.parseExpr()
		}
	}
	if defaults && p.got(EQUAL) {
		param.Default = p.parseExpr()
	}
	param.Span = p.span(start)
	return param
}
