"""The fixed words of the certificate documents, in Chinese and English side by side.

The documents are bilingual by design (one PDF for the holder, its customers and the public),
so these are (中文, English) pairs rather than gettext messages.
"""
from __future__ import annotations

SCHEMES = {
    "pcf-verification": ("产品碳足迹核查", "Product carbon footprint verification"),
    "green-design": ("绿色设计产品评价", "Green-design product evaluation"),
    "green-factory": ("绿色工厂评价", "Green factory evaluation"),
}
TITLES = {
    "pcf-verification": ("产品碳足迹核查证书", "Product Carbon Footprint Verification Certificate"),
    "green-design": ("绿色设计产品评价证书", "Green-Design Product Certificate"),
    "green-factory": ("绿色工厂评价证书", "Green Factory Certificate"),
}
BOUNDARIES = {
    "cradle-to-gate": ("从摇篮到大门", "Cradle to gate"),
    "cradle-to-grave": ("从摇篮到坟墓", "Cradle to grave"),
}
STAGES = {
    "materials": ("原材料与外购件", "Raw materials and purchased parts"),
    "inbound_transport": ("原材料运输", "Inbound transport"),
    "manufacturing": ("生产制造", "Manufacturing"),
    "packaging": ("包装", "Packaging"),
    "distribution": ("分销", "Distribution"),
    "use": ("使用", "Use"),
    "end_of_life": ("废弃处置", "End of life"),
}
PASSED = {True: ("通过", "Passed"), False: ("未通过", "Not passed")}
# standards.md 5.6: what the platform issues is not a CNCA certificate, and the PDF says so.
NOT_CNCA = ("本证书由平台依据自我评价与平台评审结果出具，并非国家认证认可监督管理委员会（CNCA）"
            "认证证书。",
            "This certificate is a self-assessment reviewed on the platform; it is not a CNCA "
            "(Certification and Accreditation Administration of China) certification.")


def pair(table: dict, key) -> tuple[str, str]:
    """The (中文, English) words for `key`; an unknown key is shown as it is in both."""
    return table.get(key, (str(key), str(key)))
