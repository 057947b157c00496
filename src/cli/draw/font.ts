/**
 * A 5×7 pixel bitmap font for the printable ASCII characters, so that a PNG gets the same labels
 * as its SVG twin without a font file or a text renderer. A glyph is 5 pixels wide and stands 7
 * pixels above its baseline, with 2 more below it for the descenders of g, j, p, q, y, `,` and
 * `;`; at `scale` s a character advances 6·s pixels.
 */

/** Width of a glyph, and its height above and below the baseline, in font pixels. */
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
export const GLYPH_DESCENT = 2;
/** Horizontal advance of one character, in font pixels (the glyph and one column of space). */
export const ADVANCE = 6;

/**
 * Glyphs of the characters 32 (space) to 126 (`~`), in order: 9 rows from the top (7 above the
 * baseline, 2 below), each row one base-32 digit whose 5 bits are the row's pixels, the highest
 * bit leftmost (`'e'` = 14 = `01110`).
 */
const GLYPHS = [
  ...['000000000', '444400400', 'aaa000000', 'aavavaa00', '4fke5u400', 'op248j300', 'cik8lid00', 'c48000000'], // space ! " # $ % & '
  ...['248884200', '842224800', '04lel4000', '044v44000', '00000cc48', '000v00000', '00000cc00', '01248g000'], // ( ) * + , - . /
  ...['ehjlphe00', '4c4444e00', 'eh1248v00', 'v2421he00', '26aiv2200', 'vgu11he00', '68guhhe00', 'v12488800'], // 0 1 2 3 4 5 6 7
  ...['ehhehhe00', 'ehhf12c00', '0cc0cc000', '00cc0cc48', '248g84200', '00v0v0000', '842124800', 'eh1240400'], // 8 9 : ; < = > ?
  ...['eh1dlle00', 'ehhhvhh00', 'uhhuhhu00', 'ehggghe00', 'sihhhis00', 'vgguggv00', 'vgguggg00', 'ehgnhhf00'], // @ A B C D E F G
  ...['hhhvhhh00', 'e44444e00', '72222ic00', 'hikokih00', 'ggggggv00', 'hrllhhh00', 'hhpljhh00', 'ehhhhhe00'], // H I J K L M N O
  ...['uhhuggg00', 'ehhhlid00', 'uhhukih00', 'fgge11u00', 'v44444400', 'hhhhhhe00', 'hhhhha400', 'hhhllla00'], // P Q R S T U V W
  ...['hha4ahh00', 'hhha44400', 'v1248gv00', 'e88888e00', '0g8421000', 'e22222e00', '4ah000000', '000000v00'], // X Y Z [ \ ] ^ _
  ...['842000000', '00e1fhf00', 'ggmphhu00', '00egghe00', '11djhhf00', '00ehvge00', '698s88800', '00fhhhf1e'], // ` a b c d e f g
  ...['ggmphhh00', '40c444e00', '2062222ic', 'ggikoki00', 'c44444e00', '00qllhh00', '00mphhh00', '00ehhhe00'], // h i j k l m n o
  ...['00uhhhugg', '00fhhhf11', '00mpggg00', '00ege1u00', '88s889600', '00hhhjd00', '00hhha400', '00hhlla00'], // p q r s t u v w
  ...['00ha4ah00', '00hhhhf1e', '00v248v00', '244844200', '444444400', '844244800', '008l20000'], // x y z { | } ~
];

/**
 * The rows of the glyph of `char` (9 numbers of 5 bits, top row first, highest bit leftmost; the
 * last 2 below the baseline); characters outside printable ASCII get the glyph of `?`.
 */
export function glyphRows(char: string): number[] {
  const code = char.charCodeAt(0);
  const glyph = code >= 32 && code <= 126 ? GLYPHS[code - 32] : GLYPHS['?'.charCodeAt(0) - 32];
  return [...glyph].map((digit) => parseInt(digit, 32));
}

/** The width in pixels of `text` drawn at `scale`: `(6·n − 1)·scale` for n characters (0 for none). */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (ADVANCE * text.length - 1) * scale;
}
