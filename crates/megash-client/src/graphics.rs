//! Thumbnails and previews of images, as MEGA's own apps make them for the web and mobile
//! clients to show: a thumbnail is the centre square of the image scaled to 200×200, a
//! preview the whole image scaled to fit 1000×1000 (never enlarged); both JPEG. Pure
//! functions over bytes; uploading them is the caller's (`Client::upload_file_attribute`).

use std::io::Cursor;
use std::path::Path;

use image::{imageops::FilterType, DynamicImage, ImageFormat, ImageReader};

/// Side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 200;
/// Longest side of a preview, in pixels.
pub const PREVIEW_SIDE: u32 = 1000;
/// JPEG quality of both (MEGA's apps use about this).
const QUALITY: u8 = 85;
/// Images wider or taller than this, or needing more memory than [`MAX_ALLOC`] to decode, are
/// not previewed: a hostile file must not exhaust memory.
const MAX_SIDE: u32 = 20_000;
const MAX_ALLOC: u64 = 1 << 30;

/// Why no picture could be made.
#[derive(Debug, thiserror::Error)]
pub enum GraphicsError {
    #[error("not an image megash can read (JPEG, PNG, GIF, WebP)")]
    NotAnImage,
    #[error("the image is too large to preview")]
    TooLarge,
    #[error("the image cannot be decoded: {0}")]
    Decode(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Whether a file name looks like an image MEGA makes thumbnails for (by extension, as the
/// SDK decides).
pub fn is_image_name(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(
        ext.as_deref(),
        Some("jpg" | "jpeg" | "jpe" | "png" | "gif" | "webp")
    )
}

/// Decode an image file (format from its content).
pub fn load(path: &Path) -> Result<DynamicImage, GraphicsError> {
    let reader = ImageReader::open(path)?
        .with_guessed_format()
        .map_err(GraphicsError::Io)?;
    decode(reader)
}

/// Decode an image in memory.
pub fn load_bytes(data: &[u8]) -> Result<DynamicImage, GraphicsError> {
    let reader = ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(GraphicsError::Io)?;
    decode(reader)
}

fn decode<R: std::io::BufRead + std::io::Seek>(
    mut reader: ImageReader<R>,
) -> Result<DynamicImage, GraphicsError> {
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP)
    ) {
        return Err(GraphicsError::NotAnImage);
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => GraphicsError::TooLarge,
        e => GraphicsError::Decode(e.to_string()),
    })
}

/// The thumbnail of `img`: its centre square, 200×200, as JPEG.
pub fn thumbnail(img: &DynamicImage) -> Result<Vec<u8>, GraphicsError> {
    let (w, h) = (img.width(), img.height());
    let side = w.min(h).max(1);
    let square = img.crop_imm((w - side) / 2, (h - side) / 2, side, side);
    jpeg(&square.resize_exact(THUMBNAIL_SIDE, THUMBNAIL_SIDE, FilterType::Triangle))
}

/// The preview of `img`: fitting 1000×1000, never enlarged, as JPEG.
pub fn preview(img: &DynamicImage) -> Result<Vec<u8>, GraphicsError> {
    if img.width() <= PREVIEW_SIDE && img.height() <= PREVIEW_SIDE {
        return jpeg(img);
    }
    jpeg(&img.resize(PREVIEW_SIDE, PREVIEW_SIDE, FilterType::Triangle))
}

fn jpeg(img: &DynamicImage) -> Result<Vec<u8>, GraphicsError> {
    let mut out = Vec::new();
    let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
    rgb.write_with_encoder(enc)
        .map_err(|e| GraphicsError::Decode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_are_centre_squares_and_previews_fit() {
        let mut img = image::RgbImage::new(1600, 400);
        // The centre columns red, the rest blue: the thumbnail shows only red.
        for (x, _, p) in img.enumerate_pixels_mut() {
            *p = if (600..1000).contains(&x) {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            };
        }
        let img = DynamicImage::ImageRgb8(img);
        let t = load_bytes(&thumbnail(&img).unwrap()).unwrap();
        assert_eq!((t.width(), t.height()), (200, 200));
        let px = t.to_rgb8().get_pixel(5, 100).0;
        assert!(px[0] > 200 && px[2] < 60, "{px:?}");
        let p = load_bytes(&preview(&img).unwrap()).unwrap();
        assert_eq!((p.width(), p.height()), (1000, 250));
        let small = DynamicImage::ImageRgb8(image::RgbImage::new(30, 20));
        let p = load_bytes(&preview(&small).unwrap()).unwrap();
        assert_eq!((p.width(), p.height()), (30, 20));
        assert!(matches!(
            load_bytes(b"not an image at all"),
            Err(GraphicsError::NotAnImage)
        ));
        assert!(is_image_name("a.JPG") && is_image_name("b.webp") && !is_image_name("c.txt"));
    }
}
