from django.test import TestCase

from deputies.factories import TownshipFactory, VillageFactory
from deputies.pinyin import pinyin_keys


class PinyinKeysTests(TestCase):
    def test_initials_and_full_pinyin(self):
        full, initials = pinyin_keys("新桥村")
        self.assertEqual(full.split()[0], "xinqiaocun")
        self.assertEqual(initials.split()[0], "xqc")

    def test_heteronyms_are_kept_as_variants(self):
        # 朝阳 is chaoyang as a place name; pypinyin's default reading is zhaoyang.
        full, initials = pinyin_keys("朝阳村")
        self.assertIn("chaoyangcun", full.split())
        self.assertIn("cyc", initials.split())
        self.assertIn("zyc", initials.split())

    def test_variants_are_bounded(self):
        full, initials = pinyin_keys("长乐重行朝乐长重行朝")
        self.assertLessEqual(len(full.split()), 16)
        self.assertLessEqual(len(initials.split()), 16)

    def test_non_chinese_characters_are_ignored(self):
        self.assertEqual(pinyin_keys(""), ("", ""))
        full, initials = pinyin_keys("一组（2）")
        self.assertTrue(full.startswith("yizu"))
        self.assertTrue(initials.startswith("yz"))


class AreaPinyinTests(TestCase):
    def test_computed_on_save_and_on_rename(self):
        village = VillageFactory(name="新桥村", parent=TownshipFactory(name="新桥镇"))
        self.assertIn("xqc", village.pinyin_initials.split())
        village.name = "石岭村"
        village.save(update_fields=["name"])
        village.refresh_from_db()
        self.assertIn("slc", village.pinyin_initials.split())
        self.assertIn("shilingcun", village.pinyin.split())
