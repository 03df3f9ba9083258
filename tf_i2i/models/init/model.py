"""INIT (Shen et al., CVPR 2019): MUNIT with instance-level styles. No official code exists; every
choice the paper leaves open is listed, with its reason, in docs/models/init.md.

Per domain one MUNIT AdaIN auto-encoder (nets.adain_generator), shared by whole pictures and object
crops. A picture has three style codes (instances.Styles): global (MUNIT's), background (the picture
with its boxes blanked) and one per object (its crop). Decoding is global (MUNIT's AdaIN) or
region-wise (each box its object's AdaIN parameters, the rest the background's: instances.render).

Per domain X with partner Y, at the image level (c_x content, s styles of x, z random N(0, I) codes):
  gan_w * GAN(dis_Y, [dec_Y(c_x, z_g), render_Y(c_x, z_bg, z_obj)])   global and region-wise fakes
  recon_x_w * (|dec_X(c_x, s_g) - x| + |render_X(c_x, s_bg, s_obj) - x|)
  recon_s_w * (|enc_Y(global fake) - z_g| + |background and object codes of the region-wise fake - z|)
  recon_c_w * |enc_content_Y(global fake) - c_x|, recon_x_cyc_w * |dec_X(c_x', s_g) - x|, vgg_w as MUNIT
and the same terms at the object level on each valid box's crop (its own content and style code, the
crop discriminator dis_obj_Y), scaled by instance_w and averaged over the picture's valid boxes.
"""

from __future__ import annotations

import dataclasses

import keras
import ml_collections
import numpy as np
import tensorflow as tf

from tf_i2i import losses
from tf_i2i.errors import ConfigError
from tf_i2i.layers.boxes import draw_boxes
from tf_i2i.models.codes import sample_styles
from tf_i2i.models.init import instances
from tf_i2i.models.init.endpoints import init_endpoints
from tf_i2i.models.init.instances import Styles
from tf_i2i.models.munit.model import MUNIT, SAMPLE_SEED
from tf_i2i.models.serving.endpoint import Endpoint

DOMAINS = ("a", "b")


@dataclasses.dataclass
class Side:
    """One domain's pictures of a batch: images [B, H, W, C], boxes [B, N, 4], valid bool [B, N]."""

    images: tf.Tensor
    boxes: tf.Tensor
    valid: tf.Tensor


def batch_sides(batch: dict) -> dict[str, Side]:
    """{'a': Side, 'b': Side} of a data.boxes.pair batch {'A', 'A_boxes', 'A_box_valid', 'B', ...}."""
    missing = sorted({"A", "A_boxes", "A_box_valid", "B", "B_boxes", "B_box_valid"} - set(batch))
    if missing:
        raise ConfigError(f"INIT trains on pictures with boxes: set data.layout='boxes' and data.boxes.pair=(a, b) "
                          f"(the batches lack {missing})")
    return {x: Side(batch[X], tf.cast(batch[f"{X}_boxes"], tf.float32), tf.cast(batch[f"{X}_box_valid"], tf.bool))
            for x, X in (("a", "A"), ("b", "B"))}


def per_picture(values: tf.Tensor, valid: tf.Tensor) -> tf.Tensor:
    """[B]: the mean of per-object values ([B * N] or [B, N]) over each picture's valid boxes (0 without)."""
    valid = tf.cast(valid, tf.float32)
    values = tf.reshape(tf.cast(values, tf.float32), tf.shape(valid))
    return tf.reduce_sum(values * valid, axis=1) / tf.maximum(tf.reduce_sum(valid, axis=1), 1.0)


class INIT(MUNIT):
    """Batches of a data.boxes.pair (0, 1) set: {'A', 'A_boxes', 'A_box_valid', 'B', 'B_boxes', 'B_box_valid'}
    (layout 'boxes'). Global translation is MUNIT's (translate, style_code); translate_instances renders
    with a background code and one code per box, picture_styles gives a reference's three codes."""

    def __init__(self, cfg, **kwargs):
        super().__init__(cfg, **kwargs)
        options = ml_collections.ConfigDict({**cfg.discriminator.to_dict(), **cfg.object_discriminator.to_dict()})
        self.dis_obj_a = self.make_discriminator(options, "dis_obj_a")
        self.dis_obj_b = self.make_discriminator(options, "dis_obj_b")

    @property
    def crop_size(self) -> int:
        return self.cfg.instance.crop_size

    def discriminator_networks(self) -> list[keras.Model]:
        return [self.dis_a, self.dis_b, self.dis_obj_a, self.dis_obj_b]

    def _gens(self) -> dict:
        return {"a": self.gen_a, "b": self.gen_b}

    def _rows(self, objects: tf.Tensor) -> tf.Tensor:
        """Object codes [B, N, S] as B * N rows, the batch of the object crops."""
        return tf.reshape(objects, [-1, self.style_dim])

    def random_objects(self, boxes: tf.Tensor) -> tf.Tensor:
        """N(0, I) object codes [B, N, style_dim], one per box slot."""
        return tf.random.normal(tf.concat([tf.shape(boxes)[:2], [self.style_dim]], 0))

    # -- building -------------------------------------------------------------------------------

    def _build_autoencoders(self, x_a: tf.Tensor, x_b: tf.Tensor) -> None:
        """MUNIT's build, then the crop-sized pass every object code takes."""
        super()._build_autoencoders(x_a, x_b)
        for gen, x in ((self.gen_a, x_a), (self.gen_b, x_b)):
            gen(tf.zeros([1, self.crop_size, self.crop_size, x.shape[-1]], x.dtype), training=False)

    def build_networks(self, batch):
        sides = batch_sides(batch)
        self._build_autoencoders(sides["a"].images, sides["b"].images)
        for x, y in (("a", "b"), ("b", "a")):
            image_fakes, object_fakes = self.discriminator_fakes_of(sides[x], y)
            getattr(self, f"dis_{y}")(image_fakes, training=False)
            getattr(self, f"dis_obj_{y}")(object_fakes, training=False)
        self.apply_official_init()
        self.build_perceptual_network()

    # -- training -------------------------------------------------------------------------------

    def discriminator_fakes_of(self, source: Side, y: str) -> tuple[tf.Tensor, tf.Tensor]:
        """(image fakes [2B, ...]: global and region-wise, object fakes [B * N, ...]) of `source`'s
        pictures translated to domain y with random codes, in training mode."""
        x = "b" if y == "a" else "a"
        gen_x, gen_y = self._gens()[x], self._gens()[y]
        content = gen_x.enc_content(source.images, training=True)
        crops = instances.object_crops(source.images, source.boxes, source.valid, self.crop_size)
        objects = self.random_objects(source.boxes)
        global_fake = gen_y.decode(content, self.random_styles(source.images), training=True)
        region_fake = instances.render(gen_y, content, self.random_styles(source.images), objects, source.boxes,
                                       source.valid, training=True)
        object_fake = gen_y.decode(gen_x.enc_content(crops, training=True), self._rows(objects), training=True)
        return tf.concat([global_fake, tf.cast(region_fake, global_fake.dtype)], 0), object_fake

    def _image_gan(self, dis: keras.Model, images: tf.Tensor, sets: int, real: bool, for_discriminator: bool
                   ) -> tf.Tensor:
        """Per picture of images [sets * B, ...]: the multi-scale GAN term summed over the stacked sets."""
        per_row = losses.multiscale_gan_loss(dis(images, training=True), real, self.gan_mode, for_discriminator)
        return tf.reduce_sum(tf.reshape(per_row, [sets, -1]), axis=0)

    def _object_gan(self, dis: keras.Model, crops: tf.Tensor, valid: tf.Tensor, real: bool,
                    for_discriminator: bool) -> tf.Tensor:
        per_object = losses.multiscale_gan_loss(dis(crops, training=True), real, self.gan_mode, for_discriminator)
        return per_picture(per_object, valid)

    def train_step(self, batch):
        """MUNIT's iteration (discriminators on fresh fakes, then the generators) with the crop
        discriminators beside the image ones. A domain's crop discriminator and the generators' crop
        GAN term towards it count only in batches where both domains' pictures have a valid box: real
        objects of its domain to learn from and objects of the other to translate (GTA frames without
        boxes leave both crop discriminators idle)."""
        sides = batch_sides(batch)
        c, wd, lrs = self.cfg.loss, self.cfg.weight_decay, self.learning_rates()
        both_boxed = tf.reduce_prod([tf.cast(tf.reduce_any(sides[x].valid), tf.float32) for x in DOMAINS])
        d_logs = {}
        with tf.GradientTape() as d_tape:
            for x, y in (("a", "b"), ("b", "a")):
                image_fakes, object_fakes = self.discriminator_fakes_of(sides[x], y)
                dis, dis_obj = getattr(self, f"dis_{y}"), getattr(self, f"dis_obj_{y}")
                real_crops = instances.object_crops(sides[y].images, sides[y].boxes, sides[y].valid, self.crop_size)
                d_logs[f"d_{y}_fake"] = 0.5 * self._image_gan(dis, tf.stop_gradient(image_fakes), 2, False, True)
                d_logs[f"d_{y}_real"] = self._image_gan(dis, sides[y].images, 1, True, True)
                d_logs[f"d_obj_{y}_fake"] = both_boxed * self._object_gan(
                    dis_obj, tf.stop_gradient(object_fakes), sides[x].valid, False, True)
                d_logs[f"d_obj_{y}_real"] = both_boxed * self._object_gan(dis_obj, real_crops, sides[y].valid,
                                                                           True, True)
            d_total = tf.add_n([d_logs[k] for k in d_logs if not k.startswith("d_obj")]) + c.instance_w * tf.add_n(
                [d_logs[k] for k in d_logs if k.startswith("d_obj")])
            d_loss = self.reduce_loss(c.gan_w * d_total)
        self.apply(self.d_optimizer, d_tape, d_loss, self.d_variables, wd)
        with tf.GradientTape() as g_tape:
            terms = self.instance_generator_terms(sides, both_boxed)
            g_loss = self.reduce_loss(tf.add_n(list(terms.values())))
        self.apply(self.g_optimizer, g_tape, g_loss, self.g_variables, wd)
        logs = {name: tf.reduce_mean(value) for name, value in {**terms, **d_logs}.items()}
        return {**logs, **lrs}

    def instance_generator_terms(self, sides: dict[str, Side], both_boxed: tf.Tensor) -> dict[str, tf.Tensor]:
        """Weighted per-picture terms of the generator update (the module docstring's list); the crop GAN
        terms count only when `both_boxed` (1.0: both domains' pictures have a valid box)."""
        c = self.cfg.loss
        gens = self._gens()
        terms = {}
        for x, y in (("a", "b"), ("b", "a")):
            side, gen_x, gen_y = sides[x], gens[x], gens[y]
            boxes, valid = side.boxes, side.valid
            content = gen_x.enc_content(side.images, training=True)
            own = instances.picture_styles(gen_x, side.images, boxes, valid, self.crop_size, training=True)
            z = Styles(self.random_styles(side.images), self.random_styles(side.images), self.random_objects(boxes))

            # image level: global (MUNIT) and region-wise decoding
            global_fake = gen_y.decode(content, z.global_, training=True)
            region_fake = instances.render(gen_y, content, z.background, z.objects, boxes, valid, training=True)
            content_back, global_back = gen_y.encode(global_fake, training=True)
            back_background = instances.background_style(gen_y, region_fake, boxes, valid, training=True)
            back_objects = instances.object_styles(gen_y, region_fake, boxes, valid, self.crop_size, training=True)
            fakes = tf.concat([global_fake, tf.cast(region_fake, global_fake.dtype)], 0)
            terms[f"g_adv_{y}"] = c.gan_w * self._image_gan(getattr(self, f"dis_{y}"), fakes, 2, True, False)
            terms[f"g_recon_x_{x}"] = c.recon_x_w * (
                losses.l1_loss(gen_x.decode(content, own.global_, training=True), side.images)
                + losses.l1_loss(instances.render(gen_x, content, own.background, own.objects, boxes, valid,
                                                  training=True), side.images))
            terms[f"g_recon_s_{y}"] = c.recon_s_w * (
                losses.l1_loss(global_back, z.global_) + losses.l1_loss(back_background, z.background)
                + per_picture(losses.l1_loss(self._rows(back_objects), self._rows(z.objects)), valid))
            terms[f"g_recon_c_{x}"] = c.recon_c_w * losses.l1_loss(content_back, content)
            if c.recon_x_cyc_w > 0:
                cycle = gen_x.decode(content_back, own.global_, training=True)
                terms[f"g_cyc_x_{x}"] = c.recon_x_cyc_w * losses.l1_loss(cycle, side.images)
            if self.vgg is not None:
                terms[f"g_vgg_{y}"] = c.vgg_w * losses.domain_invariant_perceptual_loss(global_fake, side.images,
                                                                                      self.vgg)
            terms.update(self._object_terms(x, y, side, own.objects, z.objects, both_boxed))
        return terms

    def _object_terms(self, x: str, y: str, side: Side, own_objects: tf.Tensor, random_objects: tf.Tensor,
                      both_boxed: tf.Tensor) -> dict[str, tf.Tensor]:
        """The image-level terms on each valid box's crop, scaled by instance_w, per picture."""
        c, gens = self.cfg.loss, self._gens()
        gen_x, gen_y = gens[x], gens[y]
        valid = side.valid
        crops = instances.object_crops(side.images, side.boxes, valid, self.crop_size)
        content = gen_x.enc_content(crops, training=True)
        fake = gen_y.decode(content, self._rows(random_objects), training=True)
        content_back, style_back = gen_y.encode(fake, training=True)
        w = c.instance_w
        terms = {
            f"o_adv_{y}": w * c.gan_w * both_boxed * self._object_gan(
                getattr(self, f"dis_obj_{y}"), fake, valid, True, False),
            f"o_recon_x_{x}": w * c.recon_x_w * per_picture(
                losses.l1_loss(gen_x.decode(content, self._rows(own_objects), training=True), crops), valid),
            f"o_recon_s_{y}": w * c.recon_s_w * per_picture(losses.l1_loss(style_back, self._rows(random_objects)), valid),
            f"o_recon_c_{x}": w * c.recon_c_w * per_picture(losses.l1_loss(content_back, content), valid),
        }
        if c.recon_x_cyc_w > 0:
            cycle = gen_x.decode(content_back, self._rows(own_objects), training=True)
            terms[f"o_cyc_x_{x}"] = w * c.recon_x_cyc_w * per_picture(losses.l1_loss(cycle, crops), valid)
        return terms

    # -- inference ------------------------------------------------------------------------------

    def picture_styles(self, images, boxes, valid, domain: str = "b") -> Styles:
        """A picture's global, background and object codes (float32) in `domain`, inference mode."""
        if domain not in DOMAINS:
            raise ValueError(f"domain must be one of {DOMAINS}, got {domain!r}")
        styles = instances.picture_styles(self._gens()[domain], tf.convert_to_tensor(images, tf.float32),
                                          tf.convert_to_tensor(boxes, tf.float32), tf.cast(valid, tf.bool),
                                          self.crop_size, training=False)
        return Styles(*(tf.cast(t, tf.float32) for t in (styles.global_, styles.background, styles.objects)))

    def translate_instances(self, images, boxes, valid, background, objects, direction: str = "a2b") -> tf.Tensor:
        """float32 images of the target domain rendered region-wise: background code [B, S] outside the
        boxes, objects [B, N, S] inside each valid box of boxes [B, N, 4] (y1, x1, y2, x2 normalised)."""
        return self._render(*self.pair(direction), images, boxes, valid, background, objects)

    def _render(self, source: keras.Model, target: keras.Model, images, boxes, valid, background, objects
                ) -> tf.Tensor:
        images = tf.convert_to_tensor(images, tf.float32)
        content = source.enc_content(images, training=False)
        out = instances.render(target, content, tf.convert_to_tensor(background, tf.float32),
                               tf.convert_to_tensor(objects, tf.float32), tf.convert_to_tensor(boxes, tf.float32),
                               tf.cast(valid, tf.bool), training=False)
        return tf.cast(out, tf.float32)

    def infer(self, batch):
        side = batch_sides(batch)["a"]
        return self.translate_instances(side.images, side.boxes, side.valid, self.random_styles(side.images),
                                        self.random_objects(side.boxes))

    def sample_images(self, batch):
        """Per direction: the input with its boxes, its region-wise reconstruction, the global (MUNIT)
        translation with a fixed random code, two region-wise translations with fixed random background
        and object codes, the first's background with the second's objects (only the boxes change), and
        the region-wise translation with the codes of the row's other-domain picture. Boxes are drawn on
        the input only: drawing them on outputs would hide what they hold."""
        sides = batch_sides(batch)
        out = {}
        for direction, x, y in (("a2b", "a", "b"), ("b2a", "b", "a")):
            side, reference = sides[x], sides[y]
            src, dst = x.upper(), y.upper()
            n, slots = int(side.images.shape[0]), int(side.boxes.shape[1])
            codes = sample_styles(2 * n * (1 + slots), self.style_dim, SAMPLE_SEED + ("a2b", "b2a").index(direction))
            backgrounds = np.split(codes[:2 * n], 2)
            objects = [o.reshape(n, slots, self.style_dim) for o in np.split(codes[2 * n:], 2)]
            own = self.picture_styles(side.images, side.boxes, side.valid, x)
            render = lambda bg, obj, d=direction: self.translate_instances(  # noqa: E731
                side.images, side.boxes, side.valid, bg, obj, d)
            out[f"real_{src}"] = draw_boxes(side.images, side.boxes, side.valid)
            gen = self._gens()[x]
            out[f"rec_{src}"] = self._render(gen, gen, side.images, side.boxes, side.valid, own.background,
                                             own.objects)
            out[f"{src}2{dst}_global"] = self.translate(side.images, direction, backgrounds[0])
            out[f"{src}2{dst}_i0"] = render(backgrounds[0], objects[0])
            out[f"{src}2{dst}_i1"] = render(backgrounds[1], objects[1])
            out[f"{src}2{dst}_i0_objects1"] = render(backgrounds[0], objects[1])
            guide = self.picture_styles(reference.images, reference.boxes, reference.valid, y)
            out[f"{src}2{dst}_guided"] = render(guide.background, guide.objects)
        return out

    def export_endpoints(self) -> list[Endpoint]:
        """MUNIT's endpoints plus serve_instances(_uint8) and instance_codes, both directions (endpoints.py)."""
        return init_endpoints(self)
