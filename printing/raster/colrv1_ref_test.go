package raster

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"math"
	"testing"

	gtfont "github.com/go-text/typesetting/font"
	"golang.org/x/image/math/fixed"
)

// The test font's COLR v1 glyphs as Skia paints them (HarfBuzz 6, the
// hb-view on Debian 12, and its cairo 1.16 draw COLR v1 glyphs as their
// plain outline, so they cannot be the reference). Each is the luminance
// of a 260×220 canvas, white, with the glyph drawn at 128 px with its
// origin at (40, 180). They were made with Node and the npm package
// @napi-rs/canvas (Skia), from the font colrV1TestFont writes:
//
//	const { createCanvas, GlobalFonts } = require('@napi-rs/canvas');
//	GlobalFonts.registerFromPath(fontPath, 'ColrTest');
//	const cv = createCanvas(260, 220), ctx = cv.getContext('2d');
//	ctx.fillStyle = 'white'; ctx.fillRect(0, 0, 260, 220);
//	ctx.font = '128px ColrTest'; ctx.fillText(char, 40, 180);
//
// then converted to grey (0.299 R + 0.587 G + 0.114 B) PNG. Skia's
// gradients interpolate translucent stops unpremultiplied, against the
// spec (TestColourLinePremultiplied), so their stops here are opaque.
var skiaRef = map[rune]string{
	0x2B50: `
iVBORw0KGgoAAAANSUhEUgAAAQQAAADcCAAAAACzeYAgAAABTklEQVR42uzUSQrCQBBA0a7h/isv4hHEg7Wo4LBQCCQEwvsQUgVZ
PdLdcygRQIAAAQIECBAgQIAAAQIECBAgQIAAAQIECBAgQIAAAQIECBAgQIAAAQIECBAgQIAAAQIECBAgQIAAAQIECBAgQIAAAQIE
CBAgQIAAAQIECBAgQIAAAQIECBAgQIAAAQIECAggQIAAAQIECBAgQIAAAQIECBAgQIAAAQIECBAgQICwQb3s8/O1MjMr7q/n+GvN
ej3xMR4A4XLqR9Vf/V/f+4hwHNwJECBAgAABAgQIECBAgAABAgQIECBAgAABAgQIECBAgAABAgQIECBAEAQIECBAgAABAgQIECBA
gAABAgQIECBAgAABAgQIKxeTgT8BAgQIECBAgAABAgQIECBAgAABAgQIECBAgAABAgQIECBAgAABAgQIECBA2KdbAAAA//+ZoQgD
QyUMaQAAAABJRU5ErkJggg==`,
	0x2B55: `
iVBORw0KGgoAAAANSUhEUgAAAQQAAADcCAAAAACzeYAgAAAGCUlEQVR42uzbO45eNRQHcD9uECgpKOmgYAFBSkHFClJkMRSpqNlD
KnZAyQIQLUUaSuhokUBCyfU5yOflcyfVSAHms/6efCgKQ9D9zd/Hj2sfXNAaCIAABCAAAQhAAAIQgAAEIAABCEAAAhCAAAQgAAEI
QAACEIAABCAAAQhAAAIQgAAEIAABCEAAAhCAAAQgAAEIQAACEIAABCAAAQhAAAIQgAAEIAABCEAAAhCAAAQgAAEIQAACEIAABCAA
AQhAAAIQgAAEIAABCEAAARCAAAQgAAEIQAACEIAABCAAAQhAAAIQgAAEIAABCEAAAhCAAIR/oR33+/avX/fZWuutN2211VprK1W+
SuHCXJgKMTERD6ZBNGgM+Xz/+PYRXv90HEefX/NX62ahEFW/h6WRNHnw2c75NdsGSeiHIIiCZsIRWk6ChGC2RpqWKVR36Q6CoFE4
1KCvPmGPaUGQbtCGEdSyH4IaHNEf7EElCbMiSBQaUWtjFgz5d/sgdAE4IgqB0C5JkO7QaBhQiXJR90hCjy4hDBOh19TtV11sszfU
GjWTmbdIQlMB6xKrNnpltGclR2gjRUSq5g4IHoS7HWJVxjVAytCQB4aHGoV714TUH9ZkYQ0B8qg2QEpRXAOD6NQtuoMzWHW8RCGS
YOOj4UwEtrbHENmPnIaojZ57LlyI2YcG7wrz6UWnbJKEfqTqaJMFjYInQScJqzdEJ9kIQSAuQ0QEv3KxumhVMc8ibxfhl9/9d8+e
lNJa9zlzHiLmqjInQarinamDrCkF4UdfRX345Y0gfPud/+7np5oETcPh/cJro1ZGDgTpDaXUCIHkY5o8/8P+xk9/vdXuEAY6QhxR
G7X/z5WDIujAUDimDp1oj5rQVlWIWVM/bJS0JBAPGnlVSSbQWtulMGaIiEL3n/wcIWOumJdTXQKyA0J1ASuQPYYIGR8sCRNBgxB7
C2Rzp026gzYrkEc3B+8PWhetKPJaVXvbJQlG0C4ThmlSmyTBqmKsKK0jkEwh90FIZeGIujBHSfnpz6f1DYQoiDKlDJsbR6jVH6e1
HAapE7VWLrZ8jNVkS+2BbrHdPwkXBZ1B2p6j/Jx1SlTXqKDdoFX9T7cojLJr6gq+s2SjxHxSZh7DamKOgWzAbZCEL97H/+/JQ0TA
u0ggAAEIQAACEIAABCAAAQjveQH16vNSXv125Nb9o9sJsmUy185+YO0c51s9tObtm49Kef7X7SI8e1rKD38++uDR/CUfbcf8sv2E
uZQmef638yvaG/28efvV43sv3x/cfgLF3vHaN5RtAi5EuqnCpDGQ5t/G+tnj1XwhyttFfkKlMHMn217jQdoV9AzrApuAOyDQJQce
A91SbbHROp99FoCZB8qRYOINEK4CbW0rs+wsVttyH65w6RO7vIFa/UAF7IwmMzWq6+WLRmGVhgVRdkrCWKe67X3LsJcKHFEQB2Xw
c967JEGzUNd5NT2SEC9kJQpj0LnqQiqQWyAM7QgWg6gHtF6t2Nk1i4KGwQvkNt3BCmJL1xviTIYf0mDLv84SV10Y4zYRXnzmv/uk
lDJG8/PKpUb8u4yPeaTQ6x42W1gMWhNe/m1/48c3g/DikoRh55hdoMRRNb0CVOxPojZqdTx9nJjzhJcb1IR018cP7DXyqWO8gEur
qDxI7FAThp/dt2DY23crlZEE9utPcfXJGTYZHdJr1TjOHsd6S/FjvX4H7PSltIrsgeAlMd/vyFdf4h7Y8MmCFUb95x7d4Z16YDfe
8p+TTRXWxPH08rjDAorOdashjqJQvvQRNrk2rrqwSRLKqok2RaDL9R9etz6GThZyXdgC4fT7jT4f6I5wSQLn+7EWBZlAblMTfGDw
CTPVfCUw3ZDNl4StPm4xOpzl7pntlm7BahL8cmiujd4leJPucCl+fhn6nWvCGWENEecuNUEHBo4Jc7o170mwKMi6UbZdIwr7IJR0
BzYhXK/60LU2PmSE+kBv7v6nDe8igQAEIAABCEAAAhCAAAQgAAEIQAACEIAABCAAAQhAAAIQgAAEIAABCEAAAhCAAAQgAAEIQPhf
2j8BAAD//0UwAcSNoQhbAAAAAElFTkSuQmCC`,
	0x2B1F: `
iVBORw0KGgoAAAANSUhEUgAAAQQAAADcCAAAAACzeYAgAAADL0lEQVR42uzbz24TTwzAcduzm7b6/SouvAHPwivxFLwaF64ce0QC
IfUQZWdttP+SlN6yRWjX3yEHFKmHfOQZe2Y8TQjDIAABBBBAAAEEEEAAAQQQQAABBBBAAAEEEEAAAQQQQAABBBBAAAEEEEAAAQQQ
QAABBBBAAAEEEEAAAQQQQAABBBBAAAEEEEAAAQQQQAABBBBAAAEEEEAAAQQQQAABBBBAAAEEEEAAAQQQQAABBAhAAAEEEEAAAQQQ
QAABBBBAAAEEEEAAAQQQQAABBBBAAAGEvzCaFX/7SWIe4vH5ISfC14jw8RMeNel00PP/IvGaoNcQ2RfG2HgsrJsOuo/5QIpcvybo
EgiJp8M+loSV0+GSHiJzipwEEtcJKvsIhHUIqvvIkW9TLEVE4kjYw85hdSTonCFzR4Km3zucDbKvCTorZE6RuqSH5HXCfMyYFMHO
i0LySBhiIcLdt6yw5rTZIsynOHDPGgnF5khw3zbCqkgo4eNsCPc+K0IRN1MJ7/s+LUIz/H4bEWpeBBXvVbzWrtas2aE1FT9JX7uu
1qyRcOiLRifd8djVtNnhEH3bxo/n51P1yDod7kIk3j09+dZPm1dFgmlpHz9++L8tpoeskWClvX+UX37fltJq0kgozeH+Tk5H8ab8
lzVFlvbQFuk7E2/SFktN0xSTvhaVCE2LUIbf79U0bXYopZRxAzUUz2kRzFRnBM16qGI2KEyHKml3kYtBxHi4kjUSrg/dk0bCcvcy
BELeSJjPWbmBmlqWkl/Na/obqPPVfOYWvktDa+aOVq7ml3VRtj7eooUvaOHbwVjbwrcsjZFpA/Xzy1Ai2VQtXpp6Vb7Z8q28f9g5
wum7qg2f4d/S6h8q8Tx+M3y03/t00LlM1OsXUEu9FBvtaDRZpXBVMca0k9piymxuTAr6+kVkaIhussW3uSUfzE3N+gJAx6UhR4qc
k4K+egC14WOF5uYq6QXDFAW60Rr6luygV1XSORRCMkbCn4/FY3kBsr2hIQzeSoMAAggggAACCCCAAAIIIIAAAggggAACCCCAAAII
IIAAAggggAACCCCAAAIIIIAAwj8ZvwMAAP//xS0YBhEfXfkAAAAASUVORK5CYII=`,
	0x1F7E0: `
iVBORw0KGgoAAAANSUhEUgAAAQQAAADcCAAAAACzeYAgAAAEcElEQVR42uzbXW8bRRTG8Q04vSiFK9RK5TW8StDdUuO6rZKQz8NH
4uMkMgoxdhKjyChSgAsg5JKQIJFEnkF+yXq9szNnBKrkPfqPpcR2fLO/9czss+ekYRPGKxCAAAIIIIAAAggggAACCCCAAAIIIIAA
AggggAACCCCAAAIIIIAAAggggAACCCCAAAIIIIAAAggggAACCCCAAAIIIIAAAggggAACCCCAAAIIIIAAAggggAACCCCAAAIIIIAA
AggggAACCCCAAAIEIIAAAggggAACCCCAAAIIIIAAAggggAACCCCAAAIIIIAAwksYjahP9b4x42HN2uTnbEyfrNmFl8aYD4ovp7++
3qo/wsPuyIwfjwbT34VHOlh8PTKji/xZ/qGdrfpPh4fvTs5napyRld+w+Vs2fxgzuFGwJqxbs/iYjUoW6751MVSA8LR8xHOMEk1a
XB6m741ZDhUgtBt2ciwLXwP3i2AXDt8WPrSnAOH1x+7RFlnm88O6i8R4DC8VXCe0i2fduitBzmLKMOnk2WhfAcLz1JkLVauiC5PN
nvUVIHx5t7wk2tSZC+6GOR+7ChBWPy8fVcVekTpzYb5h/nKqIDtklSuBl8XkLLcwPQUIrdKSlzlLhMDSUYDwzv2F05w6S0TVhllE
6lgFUfqxCW8MqbBhnh+rQCieZmcuSCzLfNEYj9Cy4aAoXlNvK0C4/2E4KLqLRGmJ2L1WcHvtiRAUA/Nj8sd/+goQXghB0Reu8nGs
AKHVCAfFRaIKlp4ChDtpOCj6dob8Tz/9XX+EZF0IigWaysw56ipA2BCCYnCvGLNoQPj0XjgoiiniQAHCSlsIircwmWeBPD2rP0Ky
KeZnk7NUZs5dBQhbQlD0pYg8c2pAePvNmDur7lzIWfq2/ghJUzjrVRtm8eLy/EgBQksIimJx8lsFCJk/KM5TRHm5KO4VXQUI99as
cGe1VKgsf+jwuv4ISVsIilJx8mpPB0IwKIrFyR0FCI9eDQdFcQv9TgHC6pNwUBSLk8M/6o8wu73kD4picbKjAKEZV27yFyd/U4Dw
yWvhoCgWJwcKEFZeCEFRYjn7tf4I09tLgaAoFie7ChCeCkFRLE4eKEB46/1wUBRZDm/qj5Bsxnaxeq6p/zpSgPBMCIpicbKvAOG5
DQdFsTipAeGNj2O7WD3h6oeL+iMkzdguVk9x8qqnACGL7WL1bZjfK0D47G5sF6unONlRgLCaxXaxevaKn3+vP0LyRWwXq290FSC0
o7tYPcXJbQUI7z2Iz8+VmXPH1h9h1sIV0cXqSRF//qgAoRnbxeq7WDhRgNC2sV2snuJkTwHCg49iu1g9xckli9P/7X+lWxFdrKHi
5PVQAcJGRBdrsDjZVYDQbsR2sXqKk3sKEO5ksV2snuLkyWX9EZJnsV2sni3U7CtA+Cq2i9U3lqowu7K8/5m09N8EEEAAAQQQQAAB
BBBAAAEEEEAAAQQQQIAABBBAAAEEEEAAAQQQQAABBBBAAAEEEEAA4f+NfwMAAP//oiPXpxJJD+gAAAAASUVORK5CYII=`,
	0x1F7E1: `
iVBORw0KGgoAAAANSUhEUgAAAQQAAADcCAAAAACzeYAgAAAHmElEQVR42uydj44jtw3GRUqymwbJQ/T9H6857M5IZEFS0ow3QYFb
tIAjfHLWdpI7HPibjx+pf7iiCYOBABAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAA
ARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAA
AQgAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAAARAA4f8wys/98j8+euu9d/GhklST/wWslBIRcWImtp/MnDln
/8nSexuvf+W/P4Qf/25naxZNl24ULghETE4gAs85l1xzsVGTkGpv53nqBko4P43B2ZszENELAidHwJxzDwZSNKuNVGtKyb6YYv72
EI7P81KCRkIkNR0YArrSIBeXiUboRsE/ZQdPOD+MQVu+4FFGMlAkw2JgQpAQglGwP0il0B7pcLbWTzEpxLPWtCBc2TAY1CEEo5BU
5U3/FuvvpUPrzT0hyoMVhvDFkQ2lS5asUtIUQiKqKlW3gOBKONs0Rq8OAYFTjmzIWSRLkaolTSGYTqio5p0gmCd4idQLwsoGLlEZ
ynRFGiMX1V2qw2klUpq3S+kVQg4lOAMdprkYcC1S9lDCMZUwjXGGGX3irTpqSut/mmU0zkV2gTAaBesT9AWCyUD6qAxTCANBJ+bG
nLeBcPYWbbOqTN9jotEnDQbiQnAEiRoR9cbtIXuUyOOIGhnVYZm/T5x8rhTVUWow8Jlq82Tgxn0XJRxujH2mg0PgmQ1cRnWcU0s3
A0+F3rj3xx4TKC8P0xhHSO5798qwOkPTyOkYemf7TXknCK3PChgQErWYQZdll6s69sbce8vbQPg4vFEYfdJNCURqlaGrV4bx380Q
hxt07ix9nxJ5tmAQnQBNCEQingqLAQcDd4OWu702qQ7n4QsJY+4UEOZUOqnkq5UejujJ0D0Zurxl3/wNJViDYK9lCdE1EykrL6e4
HDHCHwsQOyihfZ4yIbxYgpoQlBOlpl8dkftYjBPZIh3Os4vcl1PStZqgxEn5qgrhiC2bH/YsIYUtlGDP9AZhWILlglvCxWD2R+GH
ZgqySzqYsOdqSuTDhEBmCGMrpyV3g3DEtU2h9rMDBJG1whrrzNEoeWWgaz2999MdUa6NGmewhxJWVLGwthaaozIMIZBKdAbWH4Uf
yrTTrSCsbZcBgb0yBANJtNxgEHAA8qbrrN+EMCaQC4JXx+mKYv/0/sUOvMPcIx1UvOb3LzsOVh1DCKTGwOYRlxtIxK/vKoRvVAeZ
i0q3bGBKLgRHYBGT3iSwQKhuo4SA8LLt4gAGAjEhROQ93saWpOo2niBrofm+lpySZnvMFEqw4WqJzcppCar79An9dXkxhMDipkie
C2ECst7Te4+fTQdvGS8IKxlGYRipQC6AWRPfOhW+pQSZs4e143D1SJfm9T4mwG2UEBTcFOZCKs02MWQwdyCT/JnDTkqIfBhLJyGE
myNq+uvoaSsleJG0WGdlGI64APzpt8US3NuC+FkIUf8dgm+y8eiR6L8JnwJB7MltAiEaZ+sNxOdNgSDdALymAS0EvAWE5B1Ql055
1L7LDWZN+BJ/bMn6IUfaIx3CFYwB+3d70fLCW/C3wxlOgMau7RYQ/HlLyg5BqE9H/IsiMGJnHqcX/GMPJfhUIOfM1hUKK33V/0si
eOjsp519934PJVhaqxIbBElJKX3NgnU4ZUTO11vmLZQwGgNiziSjEaavNSDe4tHHiBOONraA4CZPKXF2GayTGGPRmeYBHYpTXCP4
7B/5Xc8s/eSjGWdWRZTHFEHjwNLYjoyv/p7jl/qphfjksNO/vRLGIb2zt0SxfjgD54uBfx0XPkpgiAMcnDNtAaH48e0zdfYVFrXY
mGcVuGphiWsfnHO5vuYtDnPm0otNkc8jWz70NPxucFgw2IMvFrtFf33dBILPoqn1U9N12Yd5fgwYtRS/+mOh1yGFfZQgcUw19x6z
yCgCC8DA4DefDEN1EMWZ1FJoh5MqOa4sMPUuPpeeBTAvIfi3Wmu10GuxzzFyKWfdQAml+soic+8i1ijM+2+3EsDMjzpGWQgcRmrb
QLBGqPnaUkrXpZ91FZA5ADzuKKpjONsOnvCs0Qy2HAdavUVaKRHWkOvj8Xg8n/Z+41BL6XtA+OevP8INW2w9zGWCzMshuT6fz+eK
fkjC/j1/tnMHY/zlN/oRSvA9xpebP6M1DhUMIaxhMM7zOLdQwm+c//BsuO+/MK3r0aVa9E97PSeIIYh+HHtcE/7195zLj4/c5tXQ
KYUhhhJhOwjTw00L6TiP49hBCb/8nkutj49jbEK93IDi4sn/eDxDDi964E8Twi5KMAj/+Pg8xiXhdWCHi9eAx6POZ2/hTz2Uz8NH
2gJCqbU+P572WJvovCjNXHL1lmiIweQwrMFI1M93hkDvfnbgDVeWAAEQAAEQAAEQAAEQAAEQAAEQAAEQAAEDEAABEAABEAABEAAB
EAABEAABEAABEAABEAABEAABEAABEP434z8BAAD//6bvVQEquwyfAAAAAElFTkSuQmCC`,
	0x1F7E2: `
iVBORw0KGgoAAAANSUhEUgAAAQQAAADcCAAAAACzeYAgAAAJI0lEQVR42uzc3Y5cRxEA4K6qPjNn7OzGuYiJQhBOIlAgFm/BQ+R5
eBSeAnHHI3CBxA0SyOAQCP5b78yc7qpCVd1nZsydE0WsW3V2PV55Jxfnm6rq6j7dyZriwiAIhEAIhEAIhEAIhEAIhEAIhEAIhEAI
hEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAI
hEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIgkAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhEAIhED4
Aa78dm//3T9ERNi+mZlFahWuXCtzrfb37/21sn/Zr9r7/L+w66vNu4/wz79xv/zOay32XUqpZSl2CdfSr/a79j57v3mIDBAJtKaP
kpIqIgkiICLY1X+lqiL2xy+PA7t9/2mEdAC6MMD1gnYlV9CkuhJwZ2hJMQoCUjfwe7WP3ELhMhK0XXKKgzOB/T0CAlE3SGrpILga
oAXCyiD25YHAF2HgP+gokdBvNamQM3CPhFNFuIyDk8A4kWAIwC31U099JF4zov1zZzglQh0PAdYbOX3mbAprZTwFwkUM1NVBBqkJ
PQ7OYwNxiwQvC8kCwPsHbxNqe20dlQ+UQyBk9nGAAakPDdBToaUD+z17n3RumapU7ZGgo0QCgFBSRUDqyeDtUrIvb5dL6QRLiwbr
nnWcSECLBE4JFQV9bFiTAQCTRwKXUutSu0FZG2doA+YY6QACIKiKOalkY+iDg3cKLR1KqUtZ2mzCIkEqV4U7O3X4DukgAIVUKSGS
IpEQErkBQkqVvRw0g2VpddFqpZCHwhjpIAJ4i1YTyHolu7fMSK0oWCRwz4SlHL02cGlTyDaVGKIwGkJBVc3JvltXQJkJkSwSuOeD
O5Slz6WlMlOSQdIhTyx49Pk0+RRKRIgynzpGYW4Cx2VZltIQfHQs2aJhjMKIwom8O85trqRMRDlbXQBItVoAHI3guHhd9DiwqZM3
kmmQdLASaAaVNFssZBGulFss1FItBIyhIXjP3GqiIQxREyaxyggpQc19BUVVOGfKhJiSDw3L0S6vCS0bfHUFdJhIUJFEdi8E2ifP
IlJNwQYIGxuWw9G+eja0BVlWR9A0RiQot0iwzmidTPKGiyukuiwusLfK2AyqsLKo2OxKxxgdRBWTEIB1Td4aWHkUrmWyMbKU4/Fw
OOwPng5tZDAEX3gQHaImGIIVQIH16ksLUsuSMyRelsPhdr/fL8c1GZqBagJ7GQEhq+bM6aTgCwnJ+oO6TERQlsN+v3+9XwNBWj0Q
VfHEGaMmqOr2AAoKaOOE+EqCDZlcjhOm5Xj7+ubmdn9cFm8R2qq7EQjoXVV4W4SNqs5FFX1BmVgw12qNUlI+zhPU/e3Nzc3t4VhK
4WbgS5GaFEaJBOuOdPs6qSQUVEEhIb8QpNxu0v7mxYuXN4eDjQwtE8zA7r69DIFg7dH1c/9YUYX8+UKuU5lyRj08g9vn//n21e1h
KdYnyirgEWDRkIYYHSBpevhEwZfW0SJClCepdTtvs7ykZ18/fXa7b2Ggazn0zhLbOv0INcFuZdod2321VsmfPzDXq6v7+se//Pnb
m6UwyxoAp48f7irBd0gHux4+gfM/rbdmc4gv5bf71hZqursf/PdF+PUfTj9Ce/FHkNYv0LS9/ulX+sWD3ZS9efBOCvob02c/9/fn
ITpGv3GfDPZHsAhASJS389WHn2/+JB9d39tORASIaZWAhA8X5xgEwe5duRNg8odQlPN2vv/+ww/S86e6f2+3zVNbfO2P7AE+oyX1
DQwDILTwLwoJLQjcIOe83e7uv381y/7FRsph3ua+1uQrMJimT5Y221IYoW1uU4bp6M/dcDXYbObde/fmrGX/ipTrsplya6FaNHwq
y8WGnnc/EtrdA69hgDnnyRDmeQKpx/2UtG7LNFE+pcT9j48Id1fh7RGcALc3qceBB8I0bzebjMCyHPcIwnVTJg8FY8i/KNwiAkdI
hzx5AADi9gV4HFCmPE2byeIflIXLkq2T5Klmyv5UBh/vFlzrwxBTac9yz4KXHSHnaZpyzgigckbgiamSKfzywYLrzqYxEKBvzcBd
foXUsoF8rZkgKVv/vCC0JTcrCoSPPlqoPadDBB2kJjQDot3umf1F1CtgArWpM9fiD+REmTMhfvpoISJ/XGn90wiRkE8GlO+99w20
tQQkq3qqwm2/TkPIIpQff1x8xQGZ+krcCIWxDQmYTeH6idA52y0DbD7ZEPzZ1L3HDxahLMKEvuNxmEhYkyDn+9d/PTaEBGBzarZo
MATweeXVl9MikiX7EpS9cYxH85bbvRDkKU+/ev6U151rVgztxXcxQdLdT36kpT28zyTixXGQIdKTwccDQ5g+efT1321KqZrE00FU
fFvj7scfboovrkr2jW4kNE46tGzIlB1h2vzsi5f//pf2u29jI00PPrjalnXfe9vGoKgDIXh3YCWhd0nb68/nb56+LlWEU4K8vbqe
Z6zrfmddN75bKIyxj7FXxR4J7U/O9OiLeZ6FN7/Z7OY5C9e+mWtdeVNVVNJBIuGEkGlaBXKfKd2b577b2cfJvqvPN8QnQ9B+XGKA
0cHLoiGs37k/fTkdd1gPe1ToDI5A9j0CAvZ8aNOFFgfrjNk39vYC6VvcK2K9PAdBFg0jIOSLktDyoLfNF2VwjYRzbWwp4YeGBiqM
7f67Aq6riacBsZ35sEA4MyRq54bGSAdaK+MaB3Q6+OJHX7oBMbWuaX1G4ackhimMffZ8utbTcN3gfCISkS+XFkdJh3XydLp/WteM
8I0jgR4KrvCGQVIdDaE3jxfnQ9MbRQFRGFCkHZHoJ0dHQMCLEOjDQt/mDxctgUo/GGkMAAwXZ+iGGB2oraqchoXzSeEWB2tCNAXw
hODzGboBEKCvJmALhTcOS6f/KQr9ZCAIw902+D7pcEFwcVQ6tY2+51OyxgB8hx/CpQTvykaKH/KK/51IIARCIARCIARCIARCIARC
IARCIARCIARCIARCIARCIARCIARCIARCIARCIARCIARCIARCIARCIATC/+X6bwAAAP//PbpH8zJUS+0AAAAASUVORK5CYII=`,
	0x1F7E3: `
iVBORw0KGgoAAAANSUhEUgAAAQQAAADcCAAAAACzeYAgAAADSElEQVR42uzdX2vTXhjA8SfNWZMu634dbL/VzikTFPwDU/BGEfVt
+C6988IrQUVEhCF4MRGcuk03u3VssW2aJUIVwbG1Sday8OT77GIbOTksH54n55xwsppYiBIEIIAAAggggAACCCCAAAIIIIAAAggg
gAACCCCAAAIIIIAAAggggAACCCCAAAIIIIAAAggggAACCCCAAAIIIIAAAggggAACCCCAAAIIIIAAAggggAACCCCAAAIIIIAAAggg
gAACCCCAAAIIIIAAAQgggAACCCCAAAIIIICQIMzpTn/8yO2H4/7z/e+vlRKZQDmAAAIIIIAAAgggFH7aPDQ63cBxy4VFCJqtIAyt
/s/eZG3hf1M0hIOt/bZtjPnTve9vfzDzjYZXIITet13bHO05XF93rl8pFQThcGvXOr7b7tvV5QtWEUaH7qfv0cll8uJZUACE/S+D
r3LjSVM7QrTzY9gn8/pPV3UjHDb9BFBvnvcUI0R7YaJ2n18rRvDDhA3X3qtF6CTP8pUNpQhhisEvfrmjEiFONQEIXqlEiNI1b62B
ILIS60OI0l7TwUfFa4fE8S7QhpBhbdj+qgwhzrJA3lSGkKmbzRgECZog5KceSmd2XxSRXYZIkY4qhIwPTwMyQVsmZOwlOCQTcpMK
Z4vgakKIsp1WtsmEvCTCiBAyLgIqDJHaMiFjKszoQsh2ZzwPgkxPUw7SEGU3xiwK50CQWl0bQobV9C1LH0LaS5rPTTWMcLKUtqfl
3BiMcAtfSoSLs6IwE6xymoKo3haNCGKnWAo4Dx3RWA4iE3bSPUvmQVV0ZoLIZMI9/dadWVGLIP8lqghzdzFXBiPe4G3Vuu2hjbz7
M6IZQaya1xo2SbrniG4EkerU9sDjV2/mb6//6N93qFw62Dvx4MK1OZECIIipL2wfy2At3qiJFANBZGKp5O8d2e/uzDfqkyLFQRAp
Ty/ZrZ1e2H/M4Fa9an1O8hvje09vYvGy61TaHXvKSM5j3H+g50n+g9eEQQABBBBAAAEEEEAAAQQQQAABBBBAAAEEEEAAAQQQQAAB
hHGEdbr/ZtH7KdbAryIgUA4ggAACCCCAAAIIIIAAAggggAACCCCAAAIBAgi/41cAAAD//2//j1EpJ8utAAAAAElFTkSuQmCC`,
}

// TestCOLRv1MatchesSkia: each glyph's grey is within a hundredth of
// Skia's on average, few pixels (edges) differ by more than a tenth, and
// dithered it prints as many dots as Skia's within 2%. A change to the
// test font's glyphs needs the references made again (above).
func TestCOLRv1MatchesSkia(t *testing.T) {
	t.Parallel()
	f := colrV1Face(t)
	g := goGlyphs(t)
	cases := []struct {
		r    rune
		name string
		gid  int
	}{
		{0x2B50, "linear gradient in a clip box", g.A},
		{0x2B55, "layers: radial gradient, turned bar", g.B},
		{0x2B1F, "source-in composite of a sweep gradient", g.M},
		{0x1F7E0, "skewed, angled, repeating linear gradient in colour", g.O},
		{0x1F7E1, "two-circle radial gradient, reflected", g.P},
		{0x1F7E2, "multiply composite of two gradients", g.Q},
		{0x1F7E3, "scaled PaintColrGlyph under a translucent solid", g.R},
	}
	const w, h = 260, 220
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw, err := base64.StdEncoding.DecodeString(skiaRef[c.r])
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			ref, ok := img.(*image.Gray)
			if !ok || ref.Rect.Dx() != w || ref.Rect.Dy() != h {
				t.Fatalf("reference is %T %v, want %d×%d grey", img, img.Bounds(), w, h)
			}
			d := &glyphDrawer{alpha: image.NewAlpha(image.Rect(0, 0, w, h))}
			if v1, err := d.drawColrV1(f, gtfont.GID(c.gid), fixed.I(128), fixed.P(40, 180)); !v1 || err != nil {
				t.Fatalf("drawColrV1: v1 %v, err %v", v1, err)
			}
			var sum float64
			painted, far := 0, 0
			mine, theirs := make([]int32, w*h), make([]int32, w*h)
			for y := range h {
				for x := range w {
					lr, lm := float64(ref.Pix[y*ref.Stride+x])/255, luma(d, x, y)
					theirs[y*w+x], mine[y*w+x] = int32(lr*255*16), int32(lm*255*16)
					if lr > 0.999 && lm > 0.999 {
						continue
					}
					painted++
					sum += math.Abs(lr - lm)
					if math.Abs(lr-lm) > 0.1 {
						far++
					}
				}
			}
			dm, dt := NewBitmap(w, h), NewBitmap(w, h)
			if err := diffuse(mine, w, h, dm, 0, 0, nil, ""); err != nil {
				t.Fatal(err)
			}
			if err := diffuse(theirs, w, h, dt, 0, 0, nil, ""); err != nil {
				t.Fatal(err)
			}
			mean := sum / float64(max(1, painted))
			t.Logf("%d pixels painted: mean |Δ luminance| %.4f, %d differ by > 0.1; dots: %d, Skia's %d", painted, mean, far, dm.InkCount(), dt.InkCount())
			if painted < 1000 || mean > 0.01 || float64(far) > 0.02*float64(painted) {
				t.Errorf("%d pixels painted, mean |Δ luminance| %.4f (want ≤ 0.01), %d differ by > 0.1 (want ≤ 2%%)", painted, mean, far)
			}
			if n, m := dm.InkCount(), dt.InkCount(); math.Abs(float64(n-m)) > 0.02*float64(m)+10 {
				t.Errorf("dithered: %d dots, Skia's %d", n, m)
			}
		})
	}
}
