package raster

import (
	"math"

	"github.com/go-text/typesetting/font/opentype/tables"
)

// The affine transforms of COLR v1 paint graphs (colrv1.go).

// affine maps (x, y) to (xx·x + xy·y + dx, yx·x + yy·y + dy).
type affine struct{ xx, yx, xy, yy, dx, dy float64 }

var identityAffine = affine{xx: 1, yy: 1}

// then returns the transform applying b first, then a.
func (a affine) then(b affine) affine {
	return affine{
		xx: a.xx*b.xx + a.xy*b.yx, yx: a.yx*b.xx + a.yy*b.yx,
		xy: a.xx*b.xy + a.xy*b.yy, yy: a.yx*b.xy + a.yy*b.yy,
		dx: a.xx*b.dx + a.xy*b.dy + a.dx, dy: a.yx*b.dx + a.yy*b.dy + a.dy,
	}
}

func (a affine) apply(x, y float64) (float64, float64) {
	return a.xx*x + a.xy*y + a.dx, a.yx*x + a.yy*y + a.dy
}

// invert returns a's inverse, or false when a is (nearly) singular.
func (a affine) invert() (affine, bool) {
	det := a.xx*a.yy - a.xy*a.yx
	if math.Abs(det) < 1e-12 || math.IsNaN(det) || math.IsInf(det, 0) {
		return affine{}, false
	}
	r := affine{xx: a.yy / det, yx: -a.yx / det, xy: -a.xy / det, yy: a.xx / det}
	r.dx = -(r.xx*a.dx + r.xy*a.dy)
	r.dy = -(r.yx*a.dx + r.yy*a.dy)
	return r, true
}

func translate(dx, dy float64) affine { return affine{xx: 1, yy: 1, dx: dx, dy: dy} }

// aroundCenter returns t applied around (cx, cy) instead of the origin.
func aroundCenter(t affine, cx, cy int16) affine {
	return translate(float64(cx), float64(cy)).then(t).then(translate(-float64(cx), -float64(cy)))
}

func f2dot14(v tables.Fixed214) float64 { return float64(v) / (1 << 14) }

func rotation(angle tables.Fixed214) affine {
	s, c := math.Sincos(f2dot14(angle) * math.Pi)
	return affine{xx: c, yx: s, xy: -s, yy: c}
}

func skew(x, y tables.Fixed214) affine {
	return affine{xx: 1, yx: math.Tan(f2dot14(y) * math.Pi), xy: -math.Tan(f2dot14(x) * math.Pi), yy: 1}
}

func scaling(sx, sy tables.Fixed214) affine { return affine{xx: f2dot14(sx), yy: f2dot14(sy)} }

// transformOf returns the transform of a transform paint and its child.
func transformOf(p tables.PaintTable) (affine, tables.PaintTable, bool) {
	switch p := p.(type) {
	case tables.PaintTransform:
		t := p.Transform
		return affine{float64(t.Xx), float64(t.Yx), float64(t.Xy), float64(t.Yy), float64(t.Dx), float64(t.Dy)}, p.Paint, true
	case tables.PaintVarTransform:
		t := p.Transform
		return affine{float64(t.Xx), float64(t.Yx), float64(t.Xy), float64(t.Yy), float64(t.Dx), float64(t.Dy)}, p.Paint, true
	case tables.PaintTranslate:
		return translate(float64(p.Dx), float64(p.Dy)), p.Paint, true
	case tables.PaintVarTranslate:
		return translate(float64(p.Dx), float64(p.Dy)), p.Paint, true
	case tables.PaintScale:
		return scaling(p.ScaleX, p.ScaleY), p.Paint, true
	case tables.PaintVarScale:
		return scaling(p.ScaleX, p.ScaleY), p.Paint, true
	case tables.PaintScaleAroundCenter:
		return aroundCenter(scaling(p.ScaleX, p.ScaleY), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintVarScaleAroundCenter:
		return aroundCenter(scaling(p.ScaleX, p.ScaleY), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintScaleUniform:
		return scaling(p.Scale, p.Scale), p.Paint, true
	case tables.PaintVarScaleUniform:
		return scaling(p.Scale, p.Scale), p.Paint, true
	case tables.PaintScaleUniformAroundCenter:
		return aroundCenter(scaling(p.Scale, p.Scale), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintVarScaleUniformAroundCenter:
		return aroundCenter(scaling(p.Scale, p.Scale), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintRotate:
		return rotation(p.Angle), p.Paint, true
	case tables.PaintVarRotate:
		return rotation(p.Angle), p.Paint, true
	case tables.PaintRotateAroundCenter:
		return aroundCenter(rotation(p.Angle), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintVarRotateAroundCenter:
		return aroundCenter(rotation(p.Angle), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintSkew:
		return skew(p.XSkewAngle, p.YSkewAngle), p.Paint, true
	case tables.PaintVarSkew:
		return skew(p.XSkewAngle, p.YSkewAngle), p.Paint, true
	case tables.PaintSkewAroundCenter:
		return aroundCenter(skew(p.XSkewAngle, p.YSkewAngle), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintVarSkewAroundCenter:
		return aroundCenter(skew(p.XSkewAngle, p.YSkewAngle), p.CenterX, p.CenterY), p.Paint, true
	}
	return affine{}, nil, false
}
