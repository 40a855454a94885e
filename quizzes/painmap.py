"""The posterior hip, buttock and thigh diagram: its six regions, where they are drawn,
and what the pain locator says about each.

The diagram shows the right side from behind. Geometry is in the SVG's own units
(a 320 × 420 viewBox); each region is an ellipse, and its hotspot (the label a learner
clicks or reaches by keyboard) covers the ellipse's box.
"""

from dataclasses import dataclass

VIEW_W, VIEW_H = 320, 420


@dataclass(frozen=True)
class Region:
    key: str
    name: str  # short, for controls
    description: str  # where exactly, in plain words
    cx: int
    cy: int
    rx: int
    ry: int
    nerves: tuple[str, ...]
    irritants: tuple[str, ...]
    mimics: tuple[str, ...]
    # What in this area must not wait for a lesson: shown above everything else.
    warning: str
    # (course slug, lesson slug) of the lessons that cover it
    lessons: tuple[tuple[str, str], ...]

    @property
    def box(self) -> dict[str, float]:
        """The hotspot as percentages of the figure, for CSS positioning."""
        return {
            "left": round(100 * (self.cx - self.rx) / VIEW_W, 2),
            "top": round(100 * (self.cy - self.ry) / VIEW_H, 2),
            "width": round(100 * 2 * self.rx / VIEW_W, 2),
            "height": round(100 * 2 * self.ry / VIEW_H, 2),
        }


PATIENT = "buttock-nerve-pain-self-help"
CLINICIAN = "telling-buttock-nerve-pain-apart"

REGIONS: tuple[Region, ...] = (
    Region(
        key="upper-buttock",
        name="Upper buttock",
        description="The top of the buttock, just below the rim of the pelvis (the iliac "
        "crest), about a hand's breadth from the spine.",
        cx=232,
        cy=96,
        rx=50,
        ry=24,
        nerves=("Superior cluneal nerves (skin of the upper buttock)",),
        irritants=(
            "Possibly being squeezed where the nerves pass through tough tissue over the rim "
            "of the pelvis (one small study of donated bodies found such a tunnel; another is "
            "reported to have found none)",
            "Belts and waistbands pressing on the crest",
            "Standing, arching backwards and long drives",
        ),
        mimics=("Pain from the lower back (facet joints, nerve roots)", "Sacroiliac joint pain"),
        warning="",
        lessons=(
            (PATIENT, "cluneal-nerves"),
            (CLINICIAN, "cluneal-nerves-anatomy"),
            (CLINICIAN, "cluneal-presentations"),
            (CLINICIAN, "tender-points-and-tinel"),
        ),
    ),
    Region(
        key="sacroiliac",
        name="Over the sacroiliac ligament",
        description="Next to the tailbone, just below the dimple at the back of the pelvis "
        "(the PSIS), over the sacroiliac joint's ligament.",
        cx=180,
        cy=152,
        rx=20,
        ry=36,
        nerves=("Middle cluneal nerves (through the long posterior sacroiliac ligament)",),
        irritants=("Pressure or strain where the nerves pass through or under the ligament",),
        mimics=("Sacroiliac joint pain, the usual label for pain here",),
        warning="",
        lessons=(
            (PATIENT, "cluneal-nerves"),
            (CLINICIAN, "cluneal-nerves-anatomy"),
            (CLINICIAN, "mimics-and-radicular-pain"),
        ),
    ),
    Region(
        key="sitting-bone",
        name="Over the sitting bone",
        description="The lower inner buttock, over the sitting bone (ischial tuberosity).",
        cx=205,
        cy=246,
        rx=32,
        ry=22,
        nerves=(
            "Inferior cluneal nerves (skin of the lower buttock)",
            "Sciatic nerve in the ischial tunnel, beside the sitting bone",
        ),
        irritants=(
            "A hard fall onto the bottom",
            "Long sitting on hard seats, above all with little muscle padding",
            "Unhealthy hamstring tendons next to the sciatic nerve",
        ),
        mimics=(
            "Hamstring tendon pain",
            "A deep muscle squeezed between the sitting bone and the thigh bone "
            "(ischiofemoral impingement)",
            "Pudendal nerve pain: pain between the legs, worse sitting",
            "Tailbone pain (coccydynia)",
        ),
        warning="These nerves do not supply the skin between the legs. Numbness there, or "
        "around the back passage, or new bladder or bowel trouble, needs help now "
        "(emergency department): it can mean pressure on the nerves at the base of the spine "
        "(cauda equina syndrome).",
        lessons=(
            (PATIENT, "cluneal-nerves"),
            (PATIENT, "sciatic-nerve-in-the-buttock"),
            (CLINICIAN, "deep-gluteal-and-gluteal-presentations"),
        ),
    ),
    Region(
        key="back-of-thigh",
        name="Back of the thigh",
        description="The back of the thigh, from below the buttock crease towards the knee.",
        cx=228,
        cy=338,
        rx=46,
        ry=62,
        nerves=(
            "Posterior femoral cutaneous nerve (skin of the back of the thigh, down to the "
            "back of the knee and the top of the calf)",
            "Sciatic nerve, when the pain runs on into the calf",
        ),
        irritants=(
            "The same pressure that irritates the inferior cluneal nerves nearby",
            "Irritation of the sciatic nerve anywhere along the buttock",
        ),
        mimics=(
            "Pain from a nerve root in the lower back (radicular pain)",
            "Hamstring muscle or tendon pain",
        ),
        warning="",
        lessons=(
            (PATIENT, "cluneal-nerves"),
            (PATIENT, "sciatic-nerve-in-the-buttock"),
            (CLINICIAN, "mimics-and-radicular-pain"),
        ),
    ),
    Region(
        key="deep-mid-buttock",
        name="Deep in the middle of the buttock",
        description="Deep in the middle of the buttock, under the big gluteal muscle.",
        cx=240,
        cy=176,
        rx=34,
        ry=30,
        nerves=(
            "Sciatic nerve in the deep gluteal space (piriformis, deep rotators, bands)",
            "Superior and inferior gluteal nerves: deep, cramping pain with no skin area",
        ),
        irritants=(
            "Compression by the piriformis or other deep muscles, or by fibrous bands",
            "Rarely, surgery such as a hip replacement from the back",
        ),
        mimics=(
            "Sciatica from the lower back",
            "Hip joint pain",
            "A deep muscle squeezed between the sitting bone and the thigh bone "
            "(ischiofemoral impingement)",
        ),
        warning="Buttock pain that comes on when you walk and eases when you stand still can "
        "come from narrowed arteries, especially in smokers or people with diabetes or heart "
        "disease: see a doctor about it.",
        lessons=(
            (PATIENT, "sciatic-nerve-in-the-buttock"),
            (PATIENT, "gluteal-nerves"),
            (CLINICIAN, "gluteal-and-sciatic-anatomy"),
            (CLINICIAN, "deep-gluteal-and-gluteal-presentations"),
        ),
    ),
    Region(
        key="side-of-hip",
        name="Side of the hip",
        description="The outer side of the hip and buttock, around the bony point at the "
        "side of the hip.",
        cx=290,
        cy=196,
        rx=20,
        ry=42,
        nerves=(
            "Superior gluteal nerve (gluteus medius, minimus and TFL: weakness, a limp)",
            "Outer branches of the cluneal nerves",
        ),
        irritants=(
            "Irritation of the gluteal nerves on their way through the buttock",
            "Rarely, hip replacement surgery from the side (the superior gluteal nerve)",
        ),
        mimics=(
            "Gluteal tendon pain (often called trochanteric bursitis): the commonest cause of "
            "pain here, and it weakens the hip too",
            "Hip joint pain",
        ),
        warning="",
        lessons=(
            (PATIENT, "gluteal-nerves"),
            (CLINICIAN, "gluteal-and-sciatic-anatomy"),
            (CLINICIAN, "mimics-and-radicular-pain"),
        ),
    ),
)

BY_KEY = {region.key: region for region in REGIONS}
REGION_CHOICES = [(region.key, region.name) for region in REGIONS]


def regions_for_lesson(course_slug: str, lesson_slug: str) -> list[Region]:
    """The regions whose locator entry points to this lesson."""
    return [r for r in REGIONS if (course_slug, lesson_slug) in r.lessons]
