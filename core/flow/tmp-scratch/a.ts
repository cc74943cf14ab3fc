import nodejieba from 'nodejieba';
nodejieba.insertWord('SKU');
console.log(nodejieba.cutForSearch('新品sku太多'), nodejieba.cutForSearch('新品SKU太多'), nodejieba.cut('新品sku太多'), nodejieba.cutForSearch('条码费sku'));
